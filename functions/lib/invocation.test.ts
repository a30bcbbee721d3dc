import { createLogger } from "@wkn/core/log";
import { expect, it } from "vitest";
import { invocationFields, withInvocationId } from "./invocation.js";

it("every line written during an invocation carries its id, and the next invocation's its own", async () => {
  const lines: Record<string, unknown>[] = [];
  const log = createLogger({ fn: "poll" }, (l) => lines.push(JSON.parse(l)), invocationFields);
  const handler = withInvocationId(async (n: number, _context: { awsRequestId: string }) => {
    log.info("start", { n });
    await Promise.resolve();
    log.child({ sourceId: "s" }).info("end", { n });
  });
  await handler(1, { awsRequestId: "req-1" });
  await handler(2, { awsRequestId: "req-2" });
  expect(lines.map((l) => [l.msg, l.n, l.invocationId])).toEqual([
    ["start", 1, "req-1"],
    ["end", 1, "req-1"],
    ["start", 2, "req-2"],
    ["end", 2, "req-2"],
  ]);
});
