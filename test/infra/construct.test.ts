/** The synthesized template of the ArchiveDedup construct: every resource, setting and IAM statement the design promises. */
import { afterAll, describe, expect, it } from 'vitest';
import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { Table } from 'aws-cdk-lib/aws-dynamodb';
import { Bucket } from 'aws-cdk-lib/aws-s3';
import { ArchiveDedup, ArchiveDedupPropsError } from '../../infra/archive-dedup-construct.ts';
import { INGEST_OBJECT_ACTIONS, INGEST_TABLE_ACTIONS } from '../../infra/ingest-function.ts';
import { DEFAULT_MAX_CONCURRENCY } from '../../infra/settings.ts';
import { CORE_DEFAULTS } from '../../functions/core/config.ts';
import { INDEXES, TABLE_KEYS } from '../../functions/store/schema.ts';
import { asList, CDK_JSON_CONTEXT, makeTempRoot, onlyLogicalId, roleStatements, synthStack, testApp } from './cdk-test-app.ts';

// These tests look at the template only; CloudFormation schema validation is the nag test's and the CLI synth's job.
process.env.CDK_VALIDATION = 'false';
const root = makeTempRoot('construct');
afterAll(() => root.cleanup());

const defaults = synthStack(root);
const { template } = defaults;
const rawBucketId = onlyLogicalId(template, 'AWS::S3::Bucket', { VersioningConfiguration: { Status: 'Enabled' } });
const logBucketId = Object.keys(template.findResources('AWS::S3::Bucket')).find((id) => id !== rawBucketId) as string;
const tableId = onlyLogicalId(template, 'AWS::DynamoDB::Table');
const queueId = onlyLogicalId(template, 'AWS::SQS::Queue', { RedrivePolicy: Match.anyValue() });
const deadLetterId = Object.keys(template.findResources('AWS::SQS::Queue')).find((id) => id !== queueId) as string;
const ingestRoleId = onlyLogicalId(template, 'AWS::IAM::Role', { Description: Match.stringLikeRegexp('archive-dedup ingest') });
const ingestStatements = roleStatements(template, ingestRoleId);
const arnOf = (id: string) => ({ 'Fn::GetAtt': [id, 'Arn'] });

describe('raw-pages bucket', () => {
  it('blocks public access, encrypts, versions, logs to a separate bucket and expires noncurrent versions', () => {
    template.resourceCountIs('AWS::S3::Bucket', 2);
    template.hasResource('AWS::S3::Bucket', {
      Properties: {
        PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
        BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
        VersioningConfiguration: { Status: 'Enabled' },
        LoggingConfiguration: { DestinationBucketName: { Ref: logBucketId }, LogFilePrefix: 'raw-pages/' },
        LifecycleConfiguration: { Rules: Match.arrayWith([Match.objectLike({ NoncurrentVersionExpiration: { NoncurrentDays: 30 }, Status: 'Enabled' })]) },
      },
      DeletionPolicy: 'Retain',
    });
    template.hasResourceProperties('AWS::S3::Bucket', {
      PublicAccessBlockConfiguration: Match.objectLike({ BlockPublicPolicy: true, RestrictPublicBuckets: true }),
      BucketEncryption: Match.anyValue(),
      LoggingConfiguration: Match.absent(),
    });
  });

  it('denies every request without TLS, on both buckets', () => {
    for (const bucketId of [rawBucketId, logBucketId]) {
      template.hasResourceProperties('AWS::S3::BucketPolicy', {
        Bucket: { Ref: bucketId },
        PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Action: 's3:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
      });
    }
  });

  it('sends ObjectCreated, ObjectRemoved and LifecycleExpiration under the watched prefix, and nothing else, to the queue', () => {
    const prefixFilter = { Key: { FilterRules: [{ Name: 'prefix', Value: 'raw/' }] } };
    template.hasResourceProperties('Custom::S3BucketNotifications', {
      BucketName: { Ref: rawBucketId },
      NotificationConfiguration: {
        QueueConfigurations: [
          { Events: ['s3:ObjectCreated:*'], Filter: prefixFilter, QueueArn: arnOf(queueId) },
          { Events: ['s3:ObjectRemoved:*'], Filter: prefixFilter, QueueArn: arnOf(queueId) },
          { Events: ['s3:LifecycleExpiration:*'], Filter: prefixFilter, QueueArn: arnOf(queueId) },
        ],
      },
    });
  });

  it('lets only this bucket of this account send to the queue (aws:SourceArn and aws:SourceAccount)', () => {
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      Queues: [{ Ref: queueId }],
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({
        Effect: 'Allow',
        Principal: { Service: 's3.amazonaws.com' },
        Condition: { ArnLike: { 'aws:SourceArn': arnOf(rawBucketId) }, StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
      })]) },
    });
    const allows = Object.values(template.findResources('AWS::SQS::QueuePolicy'))
      .flatMap((policy) => (policy as { Properties: { PolicyDocument: { Statement: { Effect: string; Condition?: Record<string, unknown> }[] } } }).Properties.PolicyDocument.Statement)
      .filter((statement) => statement.Effect === 'Allow');
    expect(allows.map((statement) => Object.keys(statement.Condition ?? {}).sort())).toEqual([['ArnLike', 'StringEquals']]);
  });

  it("gives aws-cdk-lib's bucket-notification helper function a log group with the stack's retention", () => {
    const helperId = onlyLogicalId(template, 'AWS::Lambda::Function', { Handler: 'index.handler', Runtime: Match.stringLikeRegexp('python') });
    const helperLogsId = onlyLogicalId(template, 'AWS::Logs::LogGroup', { RetentionInDays: 30 }, /BucketNotificationsHandler/);
    template.hasResourceProperties('AWS::Lambda::Function', { Runtime: Match.stringLikeRegexp('python'), LoggingConfig: { LogGroup: { Ref: helperLogsId } } });
    expect(helperId).toMatch(/^BucketNotificationsHandler/);
    template.hasResource('AWS::Logs::LogGroup', { Properties: { RetentionInDays: 30 }, DeletionPolicy: 'Retain' });
  });
});

describe('queues', () => {
  it('encrypts both queues, hides messages for 6x the function timeout and dead-letters after maxReceiveCount', () => {
    template.hasResourceProperties('AWS::SQS::Queue', {
      SqsManagedSseEnabled: true,
      VisibilityTimeout: 6 * 60,
      RedrivePolicy: { deadLetterTargetArn: arnOf(deadLetterId), maxReceiveCount: 5 },
    });
    template.hasResourceProperties('AWS::SQS::Queue', { SqsManagedSseEnabled: true, MessageRetentionPeriod: 14 * 24 * 3600 });
    // Retain mode (the default): dead letters and pending events survive a stack deletion.
    for (const id of [queueId, deadLetterId]) expect(template.toJSON().Resources[id]).toMatchObject({ DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
    for (const id of [queueId, deadLetterId]) {
      template.hasResourceProperties('AWS::SQS::QueuePolicy', {
        Queues: [{ Ref: id }],
        PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
      });
    }
  });
});

describe('ingest function', () => {
  it('is a bundled Node 24 arm64 function with the configured memory, timeout, environment and log group', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      Handler: 'index.handler',
      MemorySize: 1024,
      Timeout: 60,
      Role: arnOf(ingestRoleId),
      ReservedConcurrentExecutions: Match.absent(),
      LoggingConfig: { LogGroup: { Ref: Match.stringLikeRegexp('IngestLogGroup') } },
      Environment: {
        Variables: {
          TABLE_NAME: { Ref: tableId },
          WATCH_PREFIX: 'raw/',
          BUCKET_NAME: { Ref: rawBucketId },
          MAX_DISTANCE: String(CORE_DEFAULTS.maxDistance),
          MIN_SIMILARITY: String(CORE_DEFAULTS.minSimilarity),
          MISMATCH_GAP_DAYS: String(CORE_DEFAULTS.mismatchGapDays),
          POWERTOOLS_SERVICE_NAME: 'archive-dedup-ingest',
          POWERTOOLS_METRICS_NAMESPACE: 'ArchiveDedup',
          NODE_OPTIONS: '--enable-source-maps',
        },
      },
    });
    template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 30 });
  });

  it('consumes the queue in batches and reports partial batch failures', () => {
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: arnOf(queueId),
      BatchSize: 10,
      MaximumBatchingWindowInSeconds: 5,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      // A stated default bound (settings.ts DEFAULT_MAX_CONCURRENCY) protects the table and the account.
      ScalingConfig: { MaximumConcurrency: DEFAULT_MAX_CONCURRENCY },
    });
  });
});

describe('dedup table', () => {
  it('has the keys and the three indexes of schema.ts with their projections, on demand, with PITR, encryption and deletion protection', () => {
    const keySchema = (partition: string, sort: string) => [{ AttributeName: partition, KeyType: 'HASH' }, { AttributeName: sort, KeyType: 'RANGE' }];
    template.hasResource('AWS::DynamoDB::Table', {
      Properties: {
        KeySchema: keySchema(TABLE_KEYS.partitionKey, TABLE_KEYS.sortKey),
        BillingMode: 'PAY_PER_REQUEST',
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        SSESpecification: { SSEEnabled: true },
        DeletionProtectionEnabled: true,
        GlobalSecondaryIndexes: Object.values(INDEXES).map((index) => ({
          IndexName: index.indexName,
          KeySchema: keySchema(index.partitionKey, index.sortKey),
          Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: [...index.projection.attributes] },
        })),
      },
      DeletionPolicy: 'Retain',
    });
  });

  it('projects into no index the whole document nor its sketch, and declares each key attribute once', () => {
    const table = Object.values(template.findResources('AWS::DynamoDB::Table'))[0]!.Properties as {
      GlobalSecondaryIndexes: { IndexName: string; Projection: { ProjectionType: string; NonKeyAttributes?: string[] } }[];
      AttributeDefinitions: { AttributeName: string }[];
    };
    // An entry is rewritten (1 WRU per started KB) on every change of what it holds: ALL would copy the 2 KB document.
    expect(table.GlobalSecondaryIndexes.map((index) => index.Projection.ProjectionType)).not.toContain('ALL');
    for (const index of table.GlobalSecondaryIndexes) expect(index.Projection.NonKeyAttributes ?? []).not.toContain('sketch');
    const names = table.AttributeDefinitions.map((definition) => definition.AttributeName);
    expect(names).toEqual([...new Set(names)]);
    // byCluster sorts on the document's own rank (no copy of it under another name).
    expect(names).toContain('rank');
    expect(names).not.toContain('clusterSk');
    expect(names).not.toContain('hashSk');
    // Exact duplicates are byCluster entries of one contentHash: no index of their own (issue 15).
    expect(table.GlobalSecondaryIndexes.map((index) => index.IndexName).sort()).toEqual(['byCluster', 'mismatches']);
    expect(names).not.toContain('hashPk');
    expect(table.GlobalSecondaryIndexes.find((index) => index.IndexName === 'byCluster')?.Projection.NonKeyAttributes).toContain('contentHash');
  });
});

describe('least-privilege IAM', () => {
  it('uses no wildcard action and no AWS managed policy', () => {
    const actions = ingestStatements.flatMap((statement) => asList(statement.Action));
    expect(actions.filter((action) => action.includes('*'))).toEqual([]);
    template.hasResourceProperties('AWS::IAM::Role', { Description: Match.stringLikeRegexp('archive-dedup ingest'), ManagedPolicyArns: Match.absent() });
  });

  it('reads only object versions under the watched prefix, lists only that prefix, and cannot write to the bucket at all', () => {
    const s3Statements = ingestStatements.filter((statement) => asList(statement.Action).some((action) => action.startsWith('s3:')));
    expect(s3Statements).toEqual([{
      Sid: 'ReadWatchedRawPages',
      Effect: 'Allow',
      Action: ['s3:GetObject', 's3:GetObjectVersion'],
      Resource: { 'Fn::Join': ['', [arnOf(rawBucketId), '/raw/*']] },
    }, {
      Sid: 'ListWatchedPrefix',
      Effect: 'Allow',
      Action: 's3:ListBucket',
      Resource: arnOf(rawBucketId),
      Condition: { StringLike: { 's3:prefix': ['raw/*'] } },
    }]);
    expect(INGEST_OBJECT_ACTIONS).toEqual(['s3:GetObject', 's3:GetObjectVersion']);
    const allActions = template.toJSON() as { Resources: Record<string, { Type: string }> };
    expect(Object.values(allActions.Resources).filter((resource) => resource.Type === 'AWS::IAM::ManagedPolicy')).toEqual([]);
  });

  it('lists the DynamoDB actions exactly, on the table and each of its indexes by name', () => {
    const dynamoStatements = ingestStatements.filter((statement) => asList(statement.Action).some((action) => action.startsWith('dynamodb:')));
    expect(dynamoStatements).toHaveLength(1);
    const granted = [...asList(dynamoStatements[0]!.Action)].sort();
    expect(granted).toEqual(['dynamodb:BatchGetItem', 'dynamodb:BatchWriteItem', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query', 'dynamodb:UpdateItem']);
    expect(granted).toEqual([...INGEST_TABLE_ACTIONS].sort());
    expect(dynamoStatements[0]!.Resource).toEqual([
      arnOf(tableId),
      ...Object.values(INDEXES).map((index) => ({ 'Fn::Join': ['', [arnOf(tableId), `/index/${index.indexName}`]] })),
    ]);
  });

  it('writes logs only to its own log group and consumes only its own queue', () => {
    const logStatement = ingestStatements.find((statement) => asList(statement.Action).includes('logs:PutLogEvents'));
    expect(logStatement?.Resource).toEqual(arnOf(onlyLogicalId(template, 'AWS::Logs::LogGroup', {}, /IngestLogGroup/)));
    const sqsStatement = ingestStatements.find((statement) => asList(statement.Action).includes('sqs:ReceiveMessage'));
    expect(sqsStatement?.Resource).toEqual(arnOf(queueId));
  });
});

describe('alarms and outputs', () => {
  it('alarms on dead letters, function errors and the age of the oldest queued message', () => {
    template.resourceCountIs('AWS::CloudWatch::Alarm', 3);
    const functionId = onlyLogicalId(template, 'AWS::Lambda::Function', { Runtime: 'nodejs24.x' });
    const alarm = (metricName: string, threshold: number, dimension: { Name: string; Value: unknown }) =>
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        MetricName: metricName,
        Threshold: threshold,
        ComparisonOperator: 'GreaterThanThreshold',
        Dimensions: [dimension],
      });
    alarm('ApproximateNumberOfMessagesVisible', 0, { Name: 'QueueName', Value: { 'Fn::GetAtt': [deadLetterId, 'QueueName'] } });
    alarm('Errors', 0, { Name: 'FunctionName', Value: { Ref: functionId } });
    alarm('ApproximateAgeOfOldestMessage', 900, { Name: 'QueueName', Value: { 'Fn::GetAtt': [queueId, 'QueueName'] } });
  });

  it('outputs the bucket, table, queue and dead-letter queue names', () => {
    template.hasOutput('BucketName', { Value: { Ref: rawBucketId } });
    template.hasOutput('TableName', { Value: { Ref: tableId } });
    template.hasOutput('QueueName', { Value: { 'Fn::GetAtt': [queueId, 'QueueName'] } });
    template.hasOutput('DeadLetterQueueName', { Value: { 'Fn::GetAtt': [deadLetterId, 'QueueName'] } });
  });
});

describe('options', () => {
  it('applies memory, timeout, concurrency, batching, thresholds and a destroy removal policy', () => {
    const { template: tuned } = synthStack(root, {
      pipeline: {
        options: {
          watchPrefix: 'pages/2024/', memoryMb: 2048, timeoutSeconds: 120, reservedConcurrency: 20, maxConcurrency: 10,
          batchSize: 50, maxBatchingWindowSeconds: 20, maxDistance: 3, minSimilarity: 0.6, mismatchGapDays: 365,
          removalPolicy: 'destroy', maxReceiveCount: 3, bucketName: 'my-archive-raw-pages',
        },
      },
    });
    tuned.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs24.x', MemorySize: 2048, Timeout: 120, ReservedConcurrentExecutions: 20,
      Environment: { Variables: Match.objectLike({ WATCH_PREFIX: 'pages/2024/', MAX_DISTANCE: '3', MIN_SIMILARITY: '0.6', MISMATCH_GAP_DAYS: '365' }) },
    });
    tuned.hasResourceProperties('AWS::SQS::Queue', { VisibilityTimeout: 720, RedrivePolicy: Match.objectLike({ maxReceiveCount: 3 }) });
    tuned.hasResourceProperties('AWS::Lambda::EventSourceMapping', { BatchSize: 50, MaximumBatchingWindowInSeconds: 20, ScalingConfig: { MaximumConcurrency: 10 } });
    tuned.hasResourceProperties('AWS::S3::Bucket', { BucketName: 'my-archive-raw-pages', VersioningConfiguration: { Status: 'Enabled' } });
    tuned.hasResource('AWS::DynamoDB::Table', { Properties: Match.objectLike({ DeletionProtectionEnabled: false }), DeletionPolicy: 'Delete' });
    for (const queue of Object.values(tuned.findResources('AWS::SQS::Queue'))) expect(queue).toMatchObject({ DeletionPolicy: 'Delete' });
    tuned.hasResourceProperties('Custom::S3BucketNotifications', {
      NotificationConfiguration: { QueueConfigurations: Match.arrayWith([Match.objectLike({ Filter: { Key: { FilterRules: [{ Name: 'prefix', Value: 'pages/2024/' }] } } })]) },
    });
  });

  it('encrypts the raw pages with a rotated KMS key the function may only decrypt with', () => {
    const { template: kms } = synthStack(root, { pipeline: { options: { encryption: 'kms' } } });
    const keyId = onlyLogicalId(kms, 'AWS::KMS::Key', { EnableKeyRotation: true });
    kms.hasResourceProperties('AWS::S3::Bucket', {
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ BucketKeyEnabled: true, ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: arnOf(keyId) } }] },
    });
    const role = onlyLogicalId(kms, 'AWS::IAM::Role', { Description: Match.stringLikeRegexp('archive-dedup ingest') });
    const kmsStatements = roleStatements(kms, role).filter((statement) => asList(statement.Action).some((action) => action.startsWith('kms:')));
    expect(kmsStatements).toEqual([{ Effect: 'Allow', Action: 'kms:Decrypt', Resource: arnOf(keyId) }]);
  });
});

describe('existing resources', () => {
  it('watches an existing bucket and indexes into an existing table, creating neither', () => {
    const stack = new Stack(testApp(root), 'UserStack');
    const bucket = Bucket.fromBucketName(stack, 'Existing', 'users-raw-pages');
    const table = Table.fromTableName(stack, 'ExistingTable', 'users-dedup');
    const pipeline = new ArchiveDedup(stack, 'Pipeline', { existingBucketObj: bucket, existingTableObj: table });
    const user = Template.fromStack(stack);
    user.resourceCountIs('AWS::S3::Bucket', 0);
    user.resourceCountIs('AWS::DynamoDB::Table', 0);
    expect(pipeline.bucket).toBe(bucket);
    expect(pipeline.accessLogBucket).toBeUndefined();
    user.hasResourceProperties('Custom::S3BucketNotifications', { BucketName: 'users-raw-pages', Managed: false });
    const role = onlyLogicalId(user, 'AWS::IAM::Role', { Description: Match.stringLikeRegexp('archive-dedup ingest') });
    const s3 = roleStatements(user, role).find((statement) => asList(statement.Action).includes('s3:GetObject'));
    expect(JSON.stringify(s3?.Resource)).toContain(':s3:::users-raw-pages/raw/*');
    user.hasResourceProperties('AWS::Lambda::Function', { Environment: { Variables: Match.objectLike({ TABLE_NAME: 'users-dedup' }) } });
  });
});

describe('props validation', () => {
  it('reports every problem at once, before building anything', () => {
    const stack = new Stack(new App({ context: { ...CDK_JSON_CONTEXT, 'aws:cdk:bundling-stacks': [] }, outdir: root.dir + '/unused' }), 'Invalid');
    const attempt = () => new ArchiveDedup(stack, 'Pipeline', {
      existingBucketObj: Bucket.fromBucketName(stack, 'B', 'some-bucket'),
      bucketProps: { enforceSSL: false, publicReadAccess: true },
      options: { watchPrefix: '/no-slash', memoryMb: 64, timeoutSeconds: 0, maxConcurrency: 1, minSimilarity: 1.5, bucketName: 'Bad_Name' },
    });
    let error: unknown;
    try { attempt(); } catch (caught) { error = caught; }
    expect(error).toBeInstanceOf(ArchiveDedupPropsError);
    const { problems, message } = error as ArchiveDedupPropsError;
    console.log(`[infra] invalid props: ${problems.length} problems reported at once`);
    for (const fragment of ['bucketName', 'watchPrefix', 'memoryMb', 'timeoutSeconds', 'maxConcurrency', 'minSimilarity',
      'existingBucketObj or bucketProps', 'enforceSSL', 'publicReadAccess', 'cannot be used with existingBucketObj']) {
      expect(message).toContain(fragment);
    }
    expect(stack.node.tryFindChild('Pipeline')).toBeUndefined();
  });
});
