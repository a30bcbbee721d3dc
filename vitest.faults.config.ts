/**
 * `npm run test:faults`: every `*.faults.test.ts` (DynamoDB faults through
 * packages/core/src/testing/faults/, crashes, SES faults), slow by design and kept out of
 * `npm test`. Same settings as vitest.config.ts otherwise.
 */
import { defineConfig } from "vitest/config";
import base from "./vitest.config.js";

export default defineConfig({
  test: {
    ...base.test,
    include: ["**/*.faults.test.ts"],
    exclude: ["**/node_modules/**"],
    testTimeout: 300_000,
  },
});
