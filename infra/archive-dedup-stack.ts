/** The deployable stack: the ArchiveDedup construct and the names an operator needs, as outputs. */
import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { ArchiveDedup, type ArchiveDedupProps } from './archive-dedup-construct.ts';

export interface ArchiveDedupStackProps extends StackProps {
  readonly pipeline?: ArchiveDedupProps;
}

export class ArchiveDedupStack extends Stack {
  public readonly pipeline: ArchiveDedup;

  constructor(scope: Construct, id: string, props: ArchiveDedupStackProps = {}) {
    super(scope, id, props);
    this.pipeline = new ArchiveDedup(this, 'ArchiveDedup', props.pipeline);
    const outputs: Record<string, [string, string]> = {
      BucketName: [this.pipeline.bucket.bucketName, 'Upload raw pages here, under the watched prefix'],
      WatchPrefix: [this.pipeline.settings.watchPrefix, 'Key prefix that triggers ingest'],
      TableName: [this.pipeline.table.tableName, 'DynamoDB dedup index'],
      QueueName: [this.pipeline.queue.queueName, 'Ingest queue'],
      DeadLetterQueueName: [this.pipeline.deadLetterQueue.queueName, 'Pages that failed every retry'],
      FunctionName: [this.pipeline.ingestFunction.functionName, 'Ingest function'],
    };
    if (this.pipeline.backfillStateMachine) {
      outputs.BackfillStateMachineArn = [this.pipeline.backfillStateMachine.stateMachineArn, 'Start an execution to ingest every object already under the backfill prefix'];
    }
    for (const [id, [value, description]] of Object.entries(outputs)) new CfnOutput(this, id, { value, description });
  }
}
