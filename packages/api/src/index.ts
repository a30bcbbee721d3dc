export { createApp, type App } from "./app.js";
