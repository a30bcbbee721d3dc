import { declaredBodies, noBody } from "../middleware/no-body/index.js";
import { createRouter, type Router } from "../router.js";

/** A group of editor routes: refuses a body where its routes declare none (noBody), as the API does. */
export function editorGroup(mount: (r: Router) => void): Router {
  const r = createRouter();
  r.use("/api/*", noBody({ takesBody: declaredBodies(r) }));
  mount(r);
  return r;
}
