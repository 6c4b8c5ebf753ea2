/**
 * Backfill on AWS (off by default; `-c backfill=true`): a Step Functions Distributed Map lists the bucket under the
 * backfill prefix (ItemReader S3 ListObjectsV2), batches the listed objects and invokes the ingest function with each
 * batch as `{ source: 'archive-dedup.backfill', bucket, Items }`. The function turns each item into the
 * ObjectCreated:Put record S3 would have sent, with the lowest sequencer (functions/ingest/events.ts), so a backfill
 * never overrides a real event and running it again changes nothing.
 *
 * Start it: aws stepfunctions start-execution --state-machine-arn <BackfillStateMachineArn output>
 */
import { Duration } from 'aws-cdk-lib';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import {
  DefinitionBody,
  DistributedMap,
  ItemBatcher,
  JsonPath,
  LogLevel,
  S3ObjectsItemReader,
  StateMachine,
  StateMachineType,
  TaskInput,
  type S3ObjectsItemReaderProps,
} from 'aws-cdk-lib/aws-stepfunctions';
import { LambdaInvoke } from 'aws-cdk-lib/aws-stepfunctions-tasks';
import type { Construct } from 'constructs';
import { BACKFILL_SOURCE } from '../functions/ingest/events.ts';
import { removalPolicyOf } from './raw-pages-bucket.ts';
import type { ArchiveDedupSettings } from './settings.ts';

/**
 * The S3 ItemReader, with s3:ListBucket limited to the prefix (s3:prefix condition); CDK's own reader grants
 * ListBucket on the whole bucket.
 */
class PrefixedS3ObjectsItemReader extends S3ObjectsItemReader {
  constructor(private readonly props: S3ObjectsItemReaderProps & { bucket: IBucket; prefix: string }) {
    super(props);
  }

  override providePolicyStatements(): PolicyStatement[] {
    return [
      new PolicyStatement({
        sid: 'ListBackfillPrefix',
        actions: ['s3:ListBucket'],
        resources: [this.props.bucket.bucketArn],
        conditions: { StringLike: { 's3:prefix': [`${this.props.prefix}*`] } },
      }),
    ];
  }
}

export interface BackfillParts {
  stateMachine: StateMachine;
  logGroup: LogGroup;
}

export function createBackfillStateMachine(scope: Construct, settings: ArchiveDedupSettings, inputs: { bucket: IBucket; ingestFunction: IFunction }): BackfillParts {
  const { bucket, ingestFunction } = inputs;
  const prefix = settings.backfillPrefix ?? settings.watchPrefix;

  const ingestBatch = new LambdaInvoke(scope, 'BackfillIngestBatch', {
    lambdaFunction: ingestFunction,
    payload: TaskInput.fromObject({ source: BACKFILL_SOURCE, bucket: bucket.bucketName, Items: JsonPath.listAt('$.Items') }),
    payloadResponseOnly: true,
    retryOnServiceExceptions: true,
  });
  // The function throws when an object of the batch failed; the batch is idempotent, so it is simply run again.
  ingestBatch.addRetry({ errors: ['States.TaskFailed'], interval: Duration.seconds(30), maxAttempts: 3, backoffRate: 2 });

  const map = new DistributedMap(scope, 'BackfillMap', {
    itemReader: new PrefixedS3ObjectsItemReader({ bucket, prefix }),
    itemBatcher: new ItemBatcher({ maxItemsPerBatch: settings.backfillBatchSize }),
    maxConcurrency: settings.backfillConcurrency,
    label: 'backfill',
  });
  map.itemProcessor(ingestBatch);

  const logGroup = new LogGroup(scope, 'BackfillLogGroup', { retention: settings.logRetentionDays, removalPolicy: removalPolicyOf(settings) });
  const stateMachine = new StateMachine(scope, 'BackfillStateMachine', {
    comment: `archive-dedup backfill: ingest every object under s3 prefix "${prefix}"`,
    definitionBody: DefinitionBody.fromChainable(map),
    stateMachineType: StateMachineType.STANDARD,
    logs: { destination: logGroup, level: LogLevel.ALL, includeExecutionData: false },
    tracingEnabled: true,
  });
  return { stateMachine, logGroup };
}
