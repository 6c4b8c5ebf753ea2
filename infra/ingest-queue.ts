/** The queue between the bucket's notifications and the function, its dead-letter queue, and their alarms. */
import { Duration } from 'aws-cdk-lib';
import type { Alarm } from 'aws-cdk-lib/aws-cloudwatch';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { alarmAbove } from './alarms.ts';
import { removalPolicyOf } from './raw-pages-bucket.ts';
import { VISIBILITY_TIMEOUT_FACTOR, type ArchiveDedupSettings } from './settings.ts';

export interface IngestQueues {
  queue: Queue;
  deadLetterQueue: Queue;
  deadLetterAlarm: Alarm;
  oldestMessageAlarm: Alarm;
}

export function createIngestQueues(scope: Construct, settings: ArchiveDedupSettings): IngestQueues {
  const deadLetterQueue = new Queue(scope, 'IngestDeadLetterQueue', {
    encryption: QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
    // The longest SQS allows: time for a person to look at what failed and redrive it.
    retentionPeriod: Duration.days(14),
    // In retain mode dead letters (and pending events) survive a stack deletion, like the bucket and the table.
    removalPolicy: removalPolicyOf(settings),
  });
  const queue = new Queue(scope, 'IngestQueue', {
    encryption: QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
    // A message must stay hidden while a batch is retried within the function's timeout (AWS: at least 6x).
    visibilityTimeout: Duration.seconds(settings.timeoutSeconds * VISIBILITY_TIMEOUT_FACTOR),
    deadLetterQueue: { queue: deadLetterQueue, maxReceiveCount: settings.maxReceiveCount },
    removalPolicy: removalPolicyOf(settings),
  });

  const deadLetterAlarm = alarmAbove(scope, 'DeadLetterDepthAlarm', {
    description: 'archive-dedup: pages failed every retry and wait in the dead-letter queue',
    metric: deadLetterQueue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(1), statistic: 'Maximum' }),
    threshold: 0,
  });
  const oldestMessageAlarm = alarmAbove(scope, 'QueueAgeAlarm', {
    description: `archive-dedup: a page has waited over ${settings.oldestMessageAlarmSeconds} s in the ingest queue; ingest is falling behind`,
    metric: queue.metricApproximateAgeOfOldestMessage({ period: Duration.minutes(5), statistic: 'Maximum' }),
    threshold: settings.oldestMessageAlarmSeconds,
  });
  return { queue, deadLetterQueue, deadLetterAlarm, oldestMessageAlarm };
}
