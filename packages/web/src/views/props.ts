import type { Route } from "../router.js";
import type { Session } from "../session.js";

/** What every view is given by the shell. */
export interface ViewProps {
  route: Route;
  session: Session;
}
