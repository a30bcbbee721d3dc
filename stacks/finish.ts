import type { Stack } from "aws-cdk-lib";
import { ownLogGroups } from "./logs.js";
import { suppressSstHandlerFindings } from "./nag.js";
import type { OperationSettings } from "./operations.js";

/** What every stack does last: its functions' log groups (SST's handler's too), SST's findings. */
export function finishStack(stack: Stack, ops: OperationSettings): void {
  suppressSstHandlerFindings(stack);
  ownLogGroups(stack, ops.logRetention);
}
