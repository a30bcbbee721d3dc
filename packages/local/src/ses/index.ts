export type { LocalSes, LocalSesOptions, LocalSesStats, SentMessage, SesFault } from "./server.js";
export { startLocalSes } from "./server.js";
