/**
 * An AWS SDK client made on its first request. Loading a client package costs a Lambda's cold
 * start tens of milliseconds (SES, SQS, S3: each its own endpoint rules and schemas), so a function
 * pays only for the clients the code paths it runs send through: the API loads SES for a test copy,
 * not for a listing. `create` is expected to `import()` the package (bundles keep the AWS SDK
 * external, and esbuild leaves a dynamic import of an external as one).
 *
 * Middleware added before the client exists (benchmarks, tests) is added to it when it is made.
 */

import { loadOnce } from "./load-once.js";

/** What we use of an SDK client (every v3 client has both). */
export interface SdkClient {
  // biome-ignore lint/suspicious/noExplicitAny: the SDK's own overloaded signatures are kept by `ClientLike`
  send(command: any, ...rest: any[]): unknown;
  // biome-ignore lint/suspicious/noExplicitAny: as above
  middlewareStack: { add(middleware: any, options?: any): void };
}

/** What core uses of a client: the client itself fits, and so does a lazy one. */
export interface ClientLike<C extends SdkClient> {
  /** The client's own `send`: the first call makes a lazy client. */
  send: C["send"];
  middlewareStack: Pick<C["middlewareStack"], "add">;
}

export function lazyClient<C extends SdkClient>(create: () => Promise<C>): ClientLike<C> {
  let made: C | undefined;
  const pending: [unknown, unknown][] = [];
  const client = loadOnce(() =>
    // a failed load fails this request; the next one tries again (loadOnce)
    create().then((c) => {
      for (const [mw, opts] of pending) c.middlewareStack.add(mw, opts);
      made = c;
      return c;
    }),
  );
  return {
    // The promise form only: callbacks are never passed (a callback would get no promise back).
    send: ((command: unknown, options?: unknown) =>
      client().then((c) => c.send(command, options))) as C["send"],
    middlewareStack: {
      add: ((mw: unknown, opts: unknown) => {
        if (made) made.middlewareStack.add(mw, opts);
        else pending.push([mw, opts]);
      }) as C["middlewareStack"]["add"],
    },
  };
}
