/**
 * A write the table did whose answer never came back (a reset, a timeout, a 500 after the
 * commit): the SDK tries the same request again, and a conditional write then meets its own
 * result. Injected on the real client's middleware stack, inside the SDK's retry loop, after the
 * request went through: the table really did it. Test harness only.
 */
import type { Ctx } from "@wkn/core/context";
import { rawDbOf } from "@wkn/core/store/raw";

export interface LostAnswers {
  /** The next request of this command (e.g. "PutItemCommand") is done, then its answer is lost. */
  loseNext(commandName: string): void;
  /** Answers lost so far. */
  lost(): number;
}

export function loseAnswers(ctx: Pick<Ctx, "store">): LostAnswers {
  const armed = new Set<string>();
  let lost = 0;
  rawDbOf(ctx.store).doc.middlewareStack.add(
    (next, context) => async (args) => {
      const out = await next(args);
      if (context.commandName && armed.delete(context.commandName)) {
        lost++;
        throw Object.assign(new Error("read ECONNRESET"), { code: "ECONNRESET" });
      }
      return out;
    },
    { step: "finalizeRequest", priority: "low", name: "loseAnswer" },
  );
  return { loseNext: (name) => void armed.add(name), lost: () => lost };
}
