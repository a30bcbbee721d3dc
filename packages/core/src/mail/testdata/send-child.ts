/**
 * Test helper, not product code: runs one `runSend` in its own process, configured from the
 * environment like the real entry points (loadConfig + createCtx), so send.crash.test.ts can kill
 * it with SIGKILL in the middle of a send. SEND_ISSUE names the issue, SEND_LEASE_MS the lease.
 */
import { loadConfig } from "../../config.js";
import { silentLogger } from "../../log.js";
import { createCtx } from "../../runtime.js";
import { runSend } from "../send.js";

const ctx = createCtx(loadConfig(process.env), { log: silentLogger });
const result = await runSend(ctx, Number(process.env.SEND_ISSUE), { leaseMs: Number(process.env.SEND_LEASE_MS) });
process.stdout.write(`${JSON.stringify(result)}\n`);
