/** What the runtime that serves the app tells it (app.ts `createApp`; the editor's routes read it too). */
import type { ClientAddress } from "./client-ip.js";
import type { Router } from "./router.js";

export interface AppOptions {
  /**
   * More /api routes, registered on a router mounted under /api behind the editor's auth (the
   * local runtime's outbox: packages/local/src/outbox-routes.ts). They are passed in, never
   * imported here, so they stay out of the Lambda bundle.
   */
  localRoutes?: (r: Router) => void;
  /** The local run, whose sent mail is in DATA_DIR/outbox: `GET /api/session` says so to the page. */
  outbox?: boolean;
  /** The connection's address, from the runtime adapter (rate limits per client). */
  clientAddress?: ClientAddress;
}
