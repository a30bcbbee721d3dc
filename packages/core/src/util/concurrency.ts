/**
 * Runs `fn` over `inputs` with at most `limit` calls in flight; results keep the input order.
 * The first rejection stops new calls and is thrown once the calls in flight have settled.
 */
export async function mapLimit<T, R>(
  inputs: readonly T[],
  limit: number,
  fn: (input: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(inputs.length);
  let next = 0;
  let failure: { error: unknown } | undefined;
  const worker = async () => {
    while (!failure && next < inputs.length) {
      const i = next++;
      try {
        results[i] = await fn(inputs[i]!, i);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, inputs.length)) }, worker));
  if (failure) throw failure.error;
  return results;
}
