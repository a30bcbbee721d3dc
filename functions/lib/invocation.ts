/**
 * The Lambda invocation being served, for the log lines it writes. An instance serves one
 * invocation at a time, so module state is exact here (never in the local runtime).
 */
let invocation: Record<string, unknown> = {};

/** Fields every log line of the current invocation carries. */
export const invocationFields = (): Record<string, unknown> => invocation;

/**
 * The handler, with every log line of an invocation carrying its id (`invocationId`, Lambda's
 * awsRequestId: the id CloudWatch's REPORT line and the console show for it).
 */
export function withInvocationId<E, C extends { awsRequestId?: string }, R>(
  handler: (event: E, context: C) => R,
): (event: E, context: C) => R {
  return (event, context) => {
    invocation = context?.awsRequestId ? { invocationId: context.awsRequestId } : {};
    return handler(event, context);
  };
}
