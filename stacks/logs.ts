/**
 * Each function logs to a log group the stack owns: created before the function (so the runtime
 * never makes its own, kept forever), with the deploy's retention, and deleted with the stack.
 */
import { RemovalPolicy, type Stack } from "aws-cdk-lib";
import { CfnFunction, Function as LambdaFunction } from "aws-cdk-lib/aws-lambda";
import { LogGroup, type RetentionDays } from "aws-cdk-lib/aws-logs";

/**
 * Gives every Lambda function of the stack built so far (ours and SST's custom-resource handler)
 * its own log group, `/aws/lambda/<stack>/<function's id>`. Call it last in a stack.
 */
export function ownLogGroups(stack: Stack, retention: RetentionDays): void {
  for (const fn of stack.node.findAll()) {
    if (!(fn instanceof LambdaFunction)) continue;
    const cfn = fn.node.defaultChild;
    if (!(cfn instanceof CfnFunction) || cfn.loggingConfig) continue;
    const group = new LogGroup(fn, "LogGroup", {
      logGroupName: `/aws/lambda/${stack.stackName}/${fn.node.id}`,
      retention,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    // Lambda writes here instead of /aws/lambda/<function name>; the reference orders the creation.
    cfn.loggingConfig = { logGroup: group.logGroupName };
  }
}
