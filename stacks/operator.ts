/**
 * The operator's topic: every CloudWatch alarm of the app publishes here (stacks/alarms.ts). It
 * lives in the Storage stack, the one every other stack already uses. With
 * OPERATOR_EMAIL set at deploy time it is subscribed by e-mail (AWS mails a confirmation link
 * first); without, the alarms still show in the console and nobody is mailed.
 */
import { PolicyStatement, ServicePrincipal } from "aws-cdk-lib/aws-iam";
import { Topic } from "aws-cdk-lib/aws-sns";
import { EmailSubscription } from "aws-cdk-lib/aws-sns-subscriptions";
import { NagSuppressions } from "cdk-nag";
import type { Stack } from "sst/constructs";
import type { OperationSettings } from "./operations.js";

export function operatorTopic(stack: Stack, ops: OperationSettings): Topic {
  const topic = new Topic(stack, "OperatorTopic", { displayName: "weekly-ml-news alarms", enforceSSL: true });
  // A topic with a policy of its own (the TLS rule) lets a service publish only when it says so:
  // CloudWatch, for this account's alarms.
  topic.addToResourcePolicy(
    new PolicyStatement({
      principals: [new ServicePrincipal("cloudwatch.amazonaws.com")],
      actions: ["sns:Publish"],
      resources: [topic.topicArn],
      conditions: {
        StringEquals: { "aws:SourceAccount": stack.account },
        ArnLike: {
          "aws:SourceArn": `arn:${stack.partition}:cloudwatch:${stack.region}:${stack.account}:alarm:*`,
        },
      },
    }),
  );
  if (ops.operatorEmail) {
    const subscription = topic.addSubscription(new EmailSubscription(ops.operatorEmail));
    NagSuppressions.addResourceSuppressions(subscription, [
      {
        id: "Serverless-SNSRedrivePolicy",
        reason:
          "An e-mail to the operator: an alarm SNS cannot mail still shows in the CloudWatch console, and a queue of them would be read by no one.",
      },
    ]);
  }
  stack.addOutputs({ OperatorTopicArn: topic.topicArn });
  return topic;
}
