export { type App, createApp } from "./app.js";
export type { ClientAddress } from "./client-ip.js";
