/**
 * The operator's alarms, each made beside what it watches and publishing to the operator topic
 * (operator.ts). Standard resolution (one-minute metrics or coarser): $0.10 per alarm-month.
 */

import { STUCK_ISSUES_METRIC } from "@wkn/core/mail/stuck";
import { Duration } from "aws-cdk-lib";
import {
  Alarm,
  ComparisonOperator,
  MathExpression,
  Metric,
  TreatMissingData,
} from "aws-cdk-lib/aws-cloudwatch";
import { SnsAction } from "aws-cdk-lib/aws-cloudwatch-actions";
import type { IFunction } from "aws-cdk-lib/aws-lambda";
import type { ITopic } from "aws-cdk-lib/aws-sns";
import type { IQueue } from "aws-cdk-lib/aws-sqs";
import type { Construct } from "constructs";

/** Errors as a share of invocations, over an hour: one failed run of an hourly job counts. */
export const ERROR_RATE_PERCENT = 10;
const ERROR_RATE_PERIOD = Duration.hours(1);

function notify(alarm: Alarm, topic: ITopic): Alarm {
  alarm.addAlarmAction(new SnsAction(topic));
  return alarm;
}

/** A dead-letter queue holding any message: a job failed every attempt, or a notice was lost. */
export function alarmOnDeadLetters(scope: Construct, queue: IQueue, topic: ITopic): Alarm {
  return notify(
    new Alarm(scope, "DeadLettersAlarm", {
      alarmDescription: `A message waits in dead-letter queue ${queue.node.path}: look at it, then redrive or delete it.`,
      metric: queue.metricApproximateNumberOfMessagesVisible({
        period: Duration.minutes(5),
        statistic: "Maximum",
      }),
      threshold: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    }),
    topic,
  );
}

/** The function's errors reach ERROR_RATE_PERCENT of its invocations within an hour. */
export function alarmOnErrorRate(scope: Construct, fn: IFunction, topic: ITopic): Alarm {
  const rate = new MathExpression({
    // no invocations: no error rate (0), rather than a division by zero
    expression: "IF(invocations > 0, 100 * errors / invocations, 0)",
    usingMetrics: {
      errors: fn.metricErrors({ period: ERROR_RATE_PERIOD, statistic: "Sum" }),
      invocations: fn.metricInvocations({ period: ERROR_RATE_PERIOD, statistic: "Sum" }),
    },
    label: "Error rate (%)",
    period: ERROR_RATE_PERIOD,
  });
  return notify(
    new Alarm(scope, "ErrorRateAlarm", {
      alarmDescription: `${fn.node.path}: ${ERROR_RATE_PERCENT}% or more of its invocations failed within an hour.`,
      metric: rate,
      threshold: ERROR_RATE_PERCENT,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    }),
    topic,
  );
}

/** Any throttled invocation: the account's concurrency ran out under the function. */
export function alarmOnThrottles(scope: Construct, fn: IFunction, topic: ITopic): Alarm {
  return notify(
    new Alarm(scope, "ThrottlesAlarm", {
      alarmDescription: `${fn.node.path} was throttled: the account's Lambda concurrency ran out.`,
      metric: fn.metricThrottles({ period: Duration.minutes(5), statistic: "Sum" }),
      threshold: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    }),
    topic,
  );
}

/**
 * The resume sweep's StuckIssues metric (functions/send-resume.ts, every 15 minutes): an issue in
 * "sending" or "paused" with no progress for an hour.
 */
export function alarmOnStuckIssues(
  scope: Construct,
  metric: { namespace: string; stage: string },
  topic: ITopic,
): Alarm {
  return notify(
    new Alarm(scope, "StuckIssuesAlarm", {
      alarmDescription:
        "An issue has been sending or paused for over an hour with no progress: resume it from the editor, or read its last error.",
      metric: new Metric({
        namespace: metric.namespace,
        metricName: STUCK_ISSUES_METRIC,
        dimensionsMap: { Stage: metric.stage },
        period: Duration.minutes(15),
        statistic: "Maximum",
      }),
      threshold: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    }),
    topic,
  );
}
