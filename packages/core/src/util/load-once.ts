/**
 * `load` run on the first call, and the same promise after that: a module (an SDK package, the feed
 * parser, a source adapter) or what is made from it (a client). Node caches modules, but each
 * `import()` still goes through the module loader: under tsx (`npm start`, the benchmarks) that is
 * a round trip to its loader thread, about half a millisecond, which a poll of a thousand feeds
 * paid a thousand times. A failed load is tried again on the next call.
 */
export function loadOnce<T>(load: () => Promise<T>): () => Promise<T> {
  let loading: Promise<T> | undefined;
  return () => {
    loading ??= load().catch((e: unknown) => {
      loading = undefined;
      throw e;
    });
    return loading;
  };
}
