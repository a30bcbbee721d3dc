import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: [
      "packages/*/src/**/*.test.ts",
      "stacks/**/*.test.ts",
      "functions/**/*.test.ts",
      "scripts/**/*.test.ts",
    ],
    // Fault suites (`*.faults.test.ts`) are slow by design: `npm run test:faults` (vitest.faults.config.ts).
    exclude: ["**/*.browser.test.ts", "**/*.faults.test.ts", "**/node_modules/**"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: "forks",
    env: { SST_TELEMETRY_DISABLED: "1", AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" },
  },
});
