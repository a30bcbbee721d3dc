/**
 * The operator's alarms, each made beside what it watches and publishing to the operator topic
 * (operator.ts). Standard resolution (one-minute metrics or coarser): $0.10 per metric an alarm
 * reads, a month. Four in all: a failure a dead letter catches (every job, SES notice and scheduled
 * run) is watched once, on the app's dead-letter queue; what none catches has its own: the HTTP
 * API's server errors, the send worker's throttles, and a send that stopped making progress.
 */

import { STUCK_ISSUES_METRIC } from "@wkn/core/mail/stuck";
import { Duration } from "aws-cdk-lib";
import type { IHttpApi } from "aws-cdk-lib/aws-apigatewayv2";
import { Alarm, ComparisonOperator, Metric, TreatMissingData } from "aws-cdk-lib/aws-cloudwatch";
import { SnsAction } from "aws-cdk-lib/aws-cloudwatch-actions";
import type { IFunction } from "aws-cdk-lib/aws-lambda";
import type { ITopic } from "aws-cdk-lib/aws-sns";
import type { IQueue } from "aws-cdk-lib/aws-sqs";
import type { Construct } from "constructs";

/** Server errors as a share of the HTTP API's requests in an hour (in a quiet hour, one of a few). */
export const SERVER_ERROR_PERCENT = 10;
const SERVER_ERROR_PERIOD = Duration.hours(1);

function notify(alarm: Alarm, topic: ITopic): Alarm {
  alarm.addAlarmAction(new SnsAction(topic));
  return alarm;
}

/**
 * The app's dead-letter queue (queues.ts) holding any message: a job failed every attempt, a
 * scheduled run or an SES notice failed all of Lambda's retries, or SNS could not deliver a notice.
 */
export function alarmOnDeadLetters(scope: Construct, queue: IQueue, topic: ITopic): Alarm {
  return notify(
    new Alarm(scope, "DeadLettersAlarm", {
      alarmDescription:
        `A message waits in dead-letter queue ${queue.node.path}: a job failed all its attempts, a scheduled run ` +
        "or SES notice failed Lambda's retries, or SNS could not deliver a notice. Read it (its body; Lambda's " +
        "ErrorMessage attribute; a failed job also shows in the editor's failed jobs) and the function's log, " +
        "fix the cause, then redrive the jobs to their source queues and delete the rest.",
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

/**
 * The HTTP API answered SERVER_ERROR_PERCENT or more of its requests within an hour with a 5xx: a
 * failure no dead letter catches, since its caller got the error (the api and web functions).
 *
 * One alarm for both functions, on API Gateway's `5xx` rather than each function's Errors: a reader
 * or the editor sees what API Gateway answers, so it counts what Lambda's Errors misses (the app's
 * own 500 for an unexpected error, which Hono catches, and the 502/503 of an upstream that failed)
 * as well as what it sees (a crash, a timeout, a throttle of the reserved concurrency), for the
 * price of one metric instead of four. Each request is a sample of 0 or 1, so the hour's Average is
 * the share that failed (were it a count instead, the alarm would fire sooner, never later).
 */
export function alarmOnServerErrors(scope: Construct, api: IHttpApi, topic: ITopic): Alarm {
  return notify(
    new Alarm(scope, "ServerErrorsAlarm", {
      alarmDescription:
        `HTTP API ${scope.node.path}: ${SERVER_ERROR_PERCENT}% or more of its requests within an hour got a server ` +
        "error (5xx). Read the API's access log for the failing routes, then the api or web function's log for " +
        "their errors.",
      metric: api.metricServerError({ period: SERVER_ERROR_PERIOD, statistic: "Average" }),
      threshold: SERVER_ERROR_PERCENT / 100,
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
      alarmDescription:
        `${fn.node.path} was throttled: the account's Lambda concurrency ran out, so sends wait for a retry ` +
        "(a job received 3 times goes to the dead-letter queue). See which functions held the concurrency " +
        "then; ask AWS for a higher limit if it happens again.",
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
