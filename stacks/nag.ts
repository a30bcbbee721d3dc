/**
 * cdk-nag suppressions shared by many resources, each with its reason; the stacks call these beside
 * the resource (README "Deploying to AWS" lists them). A rule that names what it flags is suppressed
 * for exactly that (`appliesTo`); anything new it finds fails the infra tests.
 */
import type { Stack } from "aws-cdk-lib";
import { CfnEventSourceMapping, Function as LambdaFunction } from "aws-cdk-lib/aws-lambda";
import { NagSuppressions } from "cdk-nag";
import type { IConstruct } from "constructs";

/** What a finding's `appliesTo` names: exactly, or by a pattern (logical ids end in a hash). */
export type Finding = string | { regex: string };

export const BASIC_EXECUTION_ROLE =
  "Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole";
/** The table's indexes: `<Table…Arn>/index/*`, in whichever stack imports it. */
export const TABLE_INDEXES: Finding = { regex: "/^Resource::<Table[0-9A-F]{8}\\.Arn>\\/index\\/\\*$/g" };
/** Objects under media/ of the thumbnails bucket. */
export const MEDIA_OBJECTS: Finding = { regex: "/^Resource::<Media[0-9A-F]{8}\\.Arn>\\/media\\/\\*$/g" };

/**
 * How a function is invoked decides why it needs no dead-letter target of its own. Those invoked
 * asynchronously (the schedules, SNS) have one: the app's dead-letter queue ("has-dlq").
 */
export type Invocation = "sync" | "queue";

const NO_DLQ: Record<Invocation, string> = {
  sync: "Invoked synchronously by API Gateway: the caller gets the error; there is no event to keep.",
  queue:
    "Invoked by an SQS event source: a failed message goes back to its queue and, after JOB_MAX_ATTEMPTS, to the app's dead-letter queue (the queue's redrive policy).",
};

function role(fn: LambdaFunction): IConstruct {
  if (!fn.role) throw new Error(`${fn.node.path}: no role`);
  return fn.role;
}

/**
 * The findings every function of ours shares: the AWS-managed basic execution role (CloudWatch
 * Logs only), tracing off, and no function-level DLQ where the invocation makes one useless.
 */
export function suppressFunctionFindings(fn: LambdaFunction, invocation: Invocation | "has-dlq"): void {
  NagSuppressions.addResourceSuppressions(role(fn), [
    {
      id: "AwsSolutions-IAM4",
      reason:
        "AWSLambdaBasicExecutionRole grants only CreateLogStream/PutLogEvents; a copy of it would say the same.",
      appliesTo: [BASIC_EXECUTION_ROLE],
    },
  ]);
  NagSuppressions.addResourceSuppressions(fn, [
    {
      id: "Serverless-LambdaTracing",
      reason:
        "X-Ray is off by choice (sst.config.ts): the structured logs carry the invocation id; tracing costs per trace.",
    },
    ...(invocation === "has-dlq" ? [] : [{ id: "Serverless-LambdaDLQ", reason: NO_DLQ[invocation] }]),
  ]);
  if (invocation !== "queue") return;
  const mappings = fn.node.findAll().filter((c) => c instanceof CfnEventSourceMapping);
  if (mappings.length === 0) throw new Error(`${fn.node.path}: suppress after its event source is added`);
  NagSuppressions.addResourceSuppressions(mappings, [
    {
      id: "Serverless-LambdaEventSourceMappingDestination",
      reason:
        "SQS event sources take no on-failure destination: failed messages go to the app's dead-letter queue (the queue's redrive policy).",
    },
  ]);
}

/**
 * Wildcard resources in the function's policy that cannot be narrower, each with its reason. Call
 * it after the grants: the policy exists once it has a statement.
 */
export function allowWildcards(
  fn: LambdaFunction,
  wildcards: { appliesTo: Finding; reason: string }[],
): void {
  const policy = role(fn).node.tryFindChild("DefaultPolicy");
  if (!policy) throw new Error(`${fn.node.path}: no policy yet`);
  for (const w of wildcards) {
    NagSuppressions.addResourceSuppressions(policy, [
      { id: "AwsSolutions-IAM5", reason: w.reason, appliesTo: [w.appliesTo] },
    ]);
  }
}

export const TABLE_INDEXES_REASON =
  "Query on the table's indexes: `index/*` names the table's own GSIs (the table is scoped exactly).";
export const GET_SEND_QUOTA_REASON =
  "ses:GetSendQuota has no resource-level permissions: `*` is its only resource.";

/**
 * The app's dead-letter queue is where redrives end: it has none of its own. It is the job queues'
 * (their redrive policies, in other stacks), Lambda's and SNS's dead-letter queue, which AwsSolutions'
 * rule looks for in the queue's own stack only.
 */
export function suppressDeadLetterQueueFindings(queue: IConstruct): void {
  NagSuppressions.addResourceSuppressions(queue, [
    {
      id: "Serverless-SQSRedrivePolicy",
      reason: "This is the dead-letter queue: messages end here, alarmed.",
    },
    {
      id: "AwsSolutions-SQS3",
      reason:
        "This is the dead-letter queue of the job queues (their RedrivePolicy, in the other stacks), of Lambda and of SNS, which this rule does not see.",
    },
  ]);
}

/**
 * SST makes one custom-resource handler per stack (SST's code, its runtime pinned by SST); it runs
 * only during deploys.
 */
export function suppressSstHandlerFindings(stack: Stack): void {
  const handler = stack.node.tryFindChild("CustomResourceHandler");
  if (!(handler instanceof LambdaFunction))
    throw new Error(`${stack.stackName}: no SST custom-resource handler`);
  const sst = "SST's own custom-resource handler (sst/constructs Stack), used during deploys only";
  NagSuppressions.addResourceSuppressions(handler, [
    { id: "AwsSolutions-L1", reason: `${sst}: SST pins its runtime.` },
    { id: "Serverless-LambdaLatestVersion", reason: `${sst}: SST pins its runtime.` },
    { id: "Serverless-LambdaDLQ", reason: `${sst}: CloudFormation invokes it and reports its failure.` },
    { id: "Serverless-LambdaTracing", reason: `${sst}: nothing to trace.` },
  ]);
  NagSuppressions.addResourceSuppressions(role(handler), [
    { id: "AwsSolutions-IAM4", reason: `${sst}: logs only.`, appliesTo: [BASIC_EXECUTION_ROLE] },
  ]);
}
