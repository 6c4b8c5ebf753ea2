/** The backfill state machine: off by default; when on, a Distributed Map over the bucket prefix invoking the ingest function, least privilege. */
import { afterAll, describe, expect, it } from 'vitest';
import { Match } from 'aws-cdk-lib/assertions';
import { BACKFILL_SOURCE, backfillRecord, isBackfillEvent } from '../../functions/ingest/events.ts';
import { optionsFromContext } from '../../infra/context.ts';
import { resolveSettings, settingsProblems } from '../../infra/settings.ts';
import { asList, makeTempRoot, onlyLogicalId, roleStatements, stateMachineDefinition, synthStack } from './cdk-test-app.ts';

process.env.CDK_VALIDATION = 'false';
const root = makeTempRoot('backfill');
afterAll(() => root.cleanup());

const { template } = synthStack(root, { pipeline: { options: { backfill: true, backfillPrefix: 'raw/2024/', backfillBatchSize: 5, backfillConcurrency: 4 } } });
const bucketId = onlyLogicalId(template, 'AWS::S3::Bucket', { VersioningConfiguration: { Status: 'Enabled' } });
const functionId = onlyLogicalId(template, 'AWS::Lambda::Function', { Description: Match.stringLikeRegexp('analyze raw pages') });
const stateMachineId = onlyLogicalId(template, 'AWS::StepFunctions::StateMachine');

describe('backfill state machine', () => {
  it('is not created by default', () => {
    const defaults = synthStack(root).template;
    defaults.resourceCountIs('AWS::StepFunctions::StateMachine', 0);
    expect(Object.keys(defaults.findOutputs('BackfillStateMachineArn'))).toEqual([]);
  });

  it('lists the prefix with an S3 ItemReader, batches the objects and invokes the ingest function with the backfill event shape', () => {
    template.hasResourceProperties('AWS::StepFunctions::StateMachine', {
      StateMachineType: 'STANDARD',
      LoggingConfiguration: { Level: 'ALL', IncludeExecutionData: false },
      TracingConfiguration: { Enabled: true },
    });
    const map = stateMachineDefinition(template).States.BackfillMap as Record<string, Record<string, unknown>>;
    expect(map.ItemReader).toEqual({ Resource: 'arn:<AWS::Partition>:states:::s3:listObjectsV2', Parameters: { Bucket: `<${bucketId}>`, Prefix: 'raw/2024/' } });
    expect(map.ItemBatcher).toEqual({ MaxItemsPerBatch: 5 });
    expect(map.MaxConcurrency).toBe(4);
    const task = (map.ItemProcessor as { States: Record<string, Record<string, unknown>> }).States.BackfillIngestBatch!;
    expect(task.Resource).toBe(`<${functionId}>`);
    expect(task.Parameters).toEqual({ source: BACKFILL_SOURCE, bucket: `<${bucketId}>`, 'Items.$': '$.Items' });
    // The payload Step Functions builds from a batch of ItemReader items is what the handler accepts.
    const items = [{ Etag: '"0123abcd"', Key: 'raw/2024/a b+c.warc.gz', LastModified: 1_700_000_000, Size: 2048, StorageClass: 'STANDARD' }];
    const payload = { source: BACKFILL_SOURCE, bucket: 'raw-pages', Items: items };
    expect(isBackfillEvent(payload)).toBe(true);
    expect(backfillRecord(payload.bucket, items[0]!).s3.object).toEqual({ key: 'raw/2024/a+b%2Bc.warc.gz', size: 2048, eTag: '0123abcd', sequencer: '0' });
    expect(backfillRecord(payload.bucket, items[0]!).eventTime).toBe('2023-11-14T22:13:20.000Z');
    template.hasOutput('BackfillStateMachineArn', { Value: { Ref: stateMachineId } });
  });

  it('may only list the bucket under the prefix, invoke the ingest function and run its own child executions', () => {
    const roleId = onlyLogicalId(template, 'AWS::IAM::Role', { AssumeRolePolicyDocument: Match.objectLike({ Statement: [Match.objectLike({ Principal: { Service: 'states.amazonaws.com' } })] }) });
    const statements = roleStatements(template, roleId);
    const actions = statements.flatMap((statement) => asList(statement.Action)).sort();
    console.log(`[infra] backfill role actions: ${actions.join(' ')}`);
    expect(actions.filter((action) => action.startsWith('s3:'))).toEqual(['s3:ListBucket']);
    expect(statements.find((statement) => asList(statement.Action).includes('s3:ListBucket'))).toMatchObject({
      Resource: { 'Fn::GetAtt': [bucketId, 'Arn'] },
      Condition: { StringLike: { 's3:prefix': ['raw/2024/*'] } },
    });
    const invoke = statements.find((statement) => asList(statement.Action).includes('lambda:InvokeFunction'));
    expect(JSON.stringify(invoke?.Resource)).toContain(functionId);
    expect(JSON.stringify(invoke?.Resource)).not.toMatch(/"\*"/);
    expect(actions.filter((action) => action.startsWith('states:')).sort()).toEqual(['states:DescribeExecution', 'states:RedriveExecution', 'states:StartExecution', 'states:StopExecution']);
    expect(statements.find((statement) => asList(statement.Action).includes('states:StartExecution'))?.Resource).toEqual({ Ref: stateMachineId });
    expect(actions.some((action) => action.endsWith(':*') || action === '*')).toBe(false);
  });
});

describe('backfill settings', () => {
  it('is a context flag (`-c backfill=true`), off by default, and its prefix must lie under the watched prefix', () => {
    expect(resolveSettings().backfill).toBe(false);
    expect(optionsFromContext((key) => ({ backfill: 'true', backfillPrefix: 'raw/old/', backfillBatchSize: '3' })[key])).toEqual({ backfill: true, backfillPrefix: 'raw/old/', backfillBatchSize: 3 });
    const problems = settingsProblems(resolveSettings(optionsFromContext((key) => ({ backfill: 'yes', backfillPrefix: 'elsewhere/', backfillBatchSize: '0' })[key])));
    expect(problems.join('\n')).toMatch(/backfill must be true or false[\s\S]*backfillPrefix "elsewhere\/" must start with watchPrefix[\s\S]*backfillBatchSize/);
  });
});
