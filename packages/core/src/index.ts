export { type Config, loadConfig } from "./config.js";
export type { Ctx } from "./context.js";
export * from "./errors.js";
export * from "./model/index.js";
export { createCtx } from "./runtime.js";
