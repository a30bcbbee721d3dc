/**
 * `npm run test:browser`: every `*.browser.test.ts` (packages/web/e2e/), driving Debian's Chromium
 * through playwright-core against a real `npm start`-style runtime on loopback. One file at a time
 * (each starts its own runtime and browser), with long timeouts for a loaded 2-core machine.
 * `npm test` leaves these files out (vitest.config.ts). The base settings come along, the global
 * setup that builds the editor's page (packages/web/dist) among them.
 */
import { defineConfig } from "vitest/config";
import base from "./vitest.config.js";

export default defineConfig({
  test: {
    ...base.test,
    include: ["**/*.browser.test.ts"],
    exclude: ["**/node_modules/**", "**/dist/**"],
    pool: "forks",
    fileParallelism: false,
    testTimeout: 180_000,
    hookTimeout: 180_000,
    // Waiting on state (the API, the page) rather than on time: generous on a loaded machine.
    expect: { poll: { timeout: 30_000, interval: 100 } },
  },
});
