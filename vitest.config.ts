import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: [
      "packages/*/src/**/*.test.ts",
      "stacks/**/*.test.ts",
      "functions/**/*.test.ts",
      "scripts/**/*.test.ts",
      "packages/web/server/**/*.test.ts",
    ],
    // Fault suites (`*.faults.test.ts`) are slow by design: `npm run test:faults` (vitest.faults.config.ts).
    exclude: ["**/*.browser.test.ts", "**/*.faults.test.ts", "**/node_modules/**"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: "forks",
    // Builds the editor's page (packages/web/dist) when it is missing or stale: the stack tests
    // bundle it into the web function, the runtime tests serve it.
    globalSetup: ["packages/web/server/global-setup.ts"],
    env: { SST_TELEMETRY_DISABLED: "1", AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" },
  },
});
