export { type App, createApp } from "./app.js";
