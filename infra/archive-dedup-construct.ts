/**
 * ArchiveDedup: the whole pipeline as one reusable L3 construct, for this project's stack or a user's own.
 *   raw-pages bucket --(ObjectCreated/ObjectRemoved/LifecycleExpiration under the watched prefix)--> SQS queue (+ DLQ)
 *   --> ingest function --> DynamoDB dedup table
 * In the manner of AWS Solutions Constructs: one props object, an existing bucket or table may be passed instead of
 * props for new ones, every problem with the props is reported at once before anything is built, and every
 * resource created is exposed as `public readonly`.
 */
import type { Alarm } from 'aws-cdk-lib/aws-cloudwatch';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { Role } from 'aws-cdk-lib/aws-iam';
import type { Key } from 'aws-cdk-lib/aws-kms';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { LogGroup } from 'aws-cdk-lib/aws-logs';
import type { Bucket, BucketProps, IBucket } from 'aws-cdk-lib/aws-s3';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import type { StateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { createBackfillStateMachine } from './backfill-state-machine.ts';
import { notifyQueue } from './bucket-notifications.ts';
import { createDedupTable, tablePropsProblems, type DedupTableOverrides } from './dedup-table.ts';
import { createIngestFunction } from './ingest-function.ts';
import { createIngestQueues } from './ingest-queue.ts';
import { acknowledgeNagFindings } from './nag-acknowledgements.ts';
import { bucketPropsProblems, createRawPagesBuckets } from './raw-pages-bucket.ts';
import { resolveSettings, settingsProblems, type ArchiveDedupOptions, type ArchiveDedupSettings } from './settings.ts';

export interface ArchiveDedupProps {
  /** Watch this bucket instead of creating one (then `bucketProps` must be absent; its encryption key, if any, is granted decrypt). */
  readonly existingBucketObj?: IBucket;
  /** Overrides for the new raw-pages bucket; settings that would undo a secure default are rejected. */
  readonly bucketProps?: BucketProps;
  /** Index into this table instead of creating one; it must have the key design of functions/store/schema.ts. */
  readonly existingTableObj?: ITable;
  /** Overrides for the new table (keys and indexes always come from schema.ts). */
  readonly tableProps?: DedupTableOverrides;
  /** Tunables; see settings.ts for the defaults and the override order. */
  readonly options?: ArchiveDedupOptions;
}

/** Thrown before anything is built when the props cannot be deployed; lists every problem. */
export class ArchiveDedupPropsError extends Error {
  override name = 'ArchiveDedupPropsError';
  constructor(readonly problems: string[]) {
    super(`ArchiveDedup props have ${problems.length} problem(s):\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
  }
}

/** Every problem with the props, settings included; empty when they can be built. */
export function archiveDedupPropsProblems(props: ArchiveDedupProps, settings: ArchiveDedupSettings): string[] {
  const problems = settingsProblems(settings);
  if (props.existingBucketObj && props.bucketProps) problems.push('pass either existingBucketObj or bucketProps, not both');
  if (props.existingBucketObj && props.options?.bucketName !== undefined) problems.push('options.bucketName names a new bucket: it cannot be used with existingBucketObj');
  if (props.existingTableObj && props.tableProps) problems.push('pass either existingTableObj or tableProps, not both');
  problems.push(...bucketPropsProblems(props.bucketProps, settings), ...tablePropsProblems(props.tableProps));
  return problems;
}

export class ArchiveDedup extends Construct {
  public readonly settings: ArchiveDedupSettings;
  public readonly bucket: IBucket;
  /** Created only with a new bucket. */
  public readonly accessLogBucket?: Bucket;
  /** Created only with a new bucket and `encryption: 'kms'`. */
  public readonly encryptionKey?: Key;
  public readonly table: ITable;
  public readonly queue: Queue;
  public readonly deadLetterQueue: Queue;
  public readonly ingestFunction: NodejsFunction;
  public readonly ingestRole: Role;
  public readonly logGroup: LogGroup;
  public readonly deadLetterAlarm: Alarm;
  public readonly oldestMessageAlarm: Alarm;
  public readonly errorsAlarm: Alarm;
  /** Created only with `backfill: true`: a Distributed Map over the bucket invoking the ingest function. */
  public readonly backfillStateMachine?: StateMachine;
  public readonly backfillLogGroup?: LogGroup;

  constructor(scope: Construct, id: string, props: ArchiveDedupProps = {}) {
    const settings = resolveSettings(props.options ?? {});
    const problems = archiveDedupPropsProblems(props, settings);
    if (problems.length > 0) throw new ArchiveDedupPropsError(problems);
    super(scope, id);
    this.settings = settings;

    if (props.existingBucketObj) {
      this.bucket = props.existingBucketObj;
    } else {
      const buckets = createRawPagesBuckets(this, settings, props.bucketProps);
      this.bucket = buckets.bucket;
      this.accessLogBucket = buckets.accessLogBucket;
      this.encryptionKey = buckets.encryptionKey;
    }
    this.table = props.existingTableObj ?? createDedupTable(this, settings, props.tableProps);

    const queues = createIngestQueues(this, settings);
    this.queue = queues.queue;
    this.deadLetterQueue = queues.deadLetterQueue;
    this.deadLetterAlarm = queues.deadLetterAlarm;
    this.oldestMessageAlarm = queues.oldestMessageAlarm;

    notifyQueue(this, settings, this.bucket, this.queue);

    const ingest = createIngestFunction(this, settings, { bucket: this.bucket, table: this.table, queue: this.queue });
    this.ingestFunction = ingest.ingestFunction;
    this.ingestRole = ingest.role;
    this.logGroup = ingest.logGroup;
    this.errorsAlarm = ingest.errorsAlarm;

    if (settings.backfill) {
      const backfill = createBackfillStateMachine(this, settings, { bucket: this.bucket, ingestFunction: this.ingestFunction });
      this.backfillStateMachine = backfill.stateMachine;
      this.backfillLogGroup = backfill.logGroup;
    }

    acknowledgeNagFindings(this);
  }
}
