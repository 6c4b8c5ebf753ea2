/**
 * How the bucket's events reach the queue: S3 notifications for creations, removals and lifecycle expirations under the
 * watched prefix, a queue policy that only this bucket of this account can use, and log retention for the helper
 * function aws-cdk-lib deploys to configure the notifications.
 */
import { Stack } from 'aws-cdk-lib';
import { ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { CfnFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import { BucketNotificationDestinationType, EventType, type BucketNotificationDestinationConfig, type IBucket, type IBucketNotificationDestination } from 'aws-cdk-lib/aws-s3';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { removalPolicyOf } from './raw-pages-bucket.ts';
import type { ArchiveDedupSettings } from './settings.ts';

/** aws-cdk-lib's fixed id for the stack-wide singleton that configures bucket notifications at deploy time. */
export const BUCKET_NOTIFICATIONS_HANDLER_ID = 'BucketNotificationsHandler050a0587b7544547bf325f094a3db834';

/** Creations, removals, and removals by a lifecycle rule (LifecycleExpiration:Delete / DeleteMarkerCreated). */
export const WATCHED_EVENTS = [EventType.OBJECT_CREATED, EventType.OBJECT_REMOVED, EventType.LIFECYCLE_EXPIRATION] as const;

/**
 * aws-cdk-lib's SqsDestination, with `aws:SourceAccount` beside `aws:SourceArn`: bucket ARNs carry no account, so a
 * bucket of the same name in another account (after this one is deleted) could otherwise send to the queue.
 * The queues are SQS-managed encrypted, so no key policy is needed (SqsDestination adds one for a KMS key).
 */
class QueueOfThisBucket implements IBucketNotificationDestination {
  constructor(private readonly queue: Queue) {}

  bind(_scope: Construct, bucket: IBucket): BucketNotificationDestinationConfig {
    this.queue.grantSendMessages(new ServicePrincipal('s3.amazonaws.com', {
      conditions: {
        ArnLike: { 'aws:SourceArn': bucket.bucketArn },
        StringEquals: { 'aws:SourceAccount': bucket.env.account },
      },
    }));
    return { arn: this.queue.queueArn, type: BucketNotificationDestinationType.QUEUE, dependencies: [this.queue] };
  }
}

export function notifyQueue(scope: Construct, settings: ArchiveDedupSettings, bucket: IBucket, queue: Queue): void {
  // Only the watched prefix notifies, and the function never writes to the bucket: no recursive trigger.
  const destination = new QueueOfThisBucket(queue);
  for (const event of WATCHED_EVENTS) bucket.addEventNotification(event, destination, { prefix: settings.watchPrefix });
  retainNotificationHandlerLogs(scope, settings);
}

/**
 * The helper function aws-cdk-lib adds to the stack (once) has no log group of its own: Lambda would create
 * `/aws/lambda/<name>` on first run, kept forever. It is pointed at a log group with the stack's retention instead.
 */
function retainNotificationHandlerLogs(scope: Construct, settings: ArchiveDedupSettings): void {
  const stack = Stack.of(scope);
  const handler = stack.node.tryFindChild(BUCKET_NOTIFICATIONS_HANDLER_ID);
  const resource = handler?.node.tryFindChild('Resource') as CfnFunction | undefined;
  if (!resource || stack.node.tryFindChild(`${BUCKET_NOTIFICATIONS_HANDLER_ID}Logs`)) return;
  const logGroup = new LogGroup(stack, `${BUCKET_NOTIFICATIONS_HANDLER_ID}Logs`, { retention: settings.logRetentionDays, removalPolicy: removalPolicyOf(settings) });
  resource.addPropertyOverride('LoggingConfig', { LogGroup: logGroup.logGroupName });
}
