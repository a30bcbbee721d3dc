export { loadConfig, type Config } from "./config.js";
export type { Ctx } from "./context.js";
export { createCtx } from "./runtime.js";
export * from "./model/index.js";
export * from "./errors.js";
