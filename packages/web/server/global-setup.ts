/**
 * vitest globalSetup (vitest.config.ts): builds the editor's page once before the tests, if needed.
 * A failed rebuild keeps the earlier build (one line says so): the page's own tests report it.
 */
import { ensureWebBuilt } from "./build.js";

export default async function setup(): Promise<void> {
  await ensureWebBuilt({ onFailure: "keep", log: (line) => console.log(line) });
}
