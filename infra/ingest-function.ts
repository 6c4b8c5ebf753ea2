/** The ingest function: bundled locally with esbuild (AWS SDK included), its own least-privilege role, log group and error alarm. */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Duration } from 'aws-cdk-lib';
import type { Alarm } from 'aws-cdk-lib/aws-cloudwatch';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, RecursiveLoop, Runtime } from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { NodejsFunction, OutputFormat, type BundlingOptions } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import type { BuildOptions } from 'esbuild';
import { ingestEnvironmentVariables } from '../functions/ingest/environment.ts';
import { INDEXES } from '../functions/store/schema.ts';
import { alarmAbove } from './alarms.ts';
import { removalPolicyOf } from './raw-pages-bucket.ts';
import type { ArchiveDedupSettings } from './settings.ts';

export const PROJECT_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
export const INGEST_ENTRY = join(PROJECT_ROOT, 'functions/ingest/handler.ts');
export const INGEST_RUNTIME = Runtime.NODEJS_24_X;

/**
 * Exactly the DynamoDB calls functions/store makes (Get, BatchGet, Query, Put, Update, BatchWrite); the synth test
 * checks the bundled handler sends no command outside this list. Table creation is the local stack's, never Lambda's.
 */
export const INGEST_TABLE_ACTIONS = [
  'dynamodb:GetItem',
  'dynamodb:BatchGetItem',
  'dynamodb:Query',
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:BatchWriteItem',
] as const;

/** Reading one version of an object under the watched prefix; the function has no S3 write action at all. */
export const INGEST_OBJECT_ACTIONS = ['s3:GetObject', 's3:GetObjectVersion'] as const;

/**
 * Listing under the watched prefix only (a condition on s3:prefix). Without s3:ListBucket S3 answers 403, not 404, for
 * a key that does not exist; the ingest lists the key after a 403 to tell an object deleted before it was read
 * (`missing`) from a real denial (retried, then dead-lettered).
 */
export const INGEST_LIST_ACTIONS = ['s3:ListBucket'] as const;

/** esbuild's ESM output calls `require` for Node built-ins used by CommonJS dependencies; give it one. */
export const REQUIRE_BANNER = "import { createRequire as __archiveDedupCreateRequire } from 'node:module'; const require = __archiveDedupCreateRequire(import.meta.url);";

/** The deployed function's NODE_OPTIONS (source-mapped stack traces), read by Node, beside the handler's own variables; the cold-start bench starts its processes with it too. */
export const INGEST_NODE_OPTIONS = '--enable-source-maps';

/**
 * How CDK bundles the ingest handler. The AWS SDK is bundled, not left to the runtime's copy: esbuild keeps only the
 * commands and middleware the handler reaches, and loading one tree-shaken file beats resolving the runtime's hundreds
 * of SDK modules (issue 7, `npm run bench -- cold-start`: init ~150-200 ms bundled vs 250-720 ms external, for
 * 1.16 MB instead of 0.69 MB). It also pins the SDK version to package-lock.json instead of whatever the runtime ships.
 */
export const INGEST_BUNDLING = {
  forceDockerBundling: false,
  format: OutputFormat.ESM,
  mainFields: ['module', 'main'],
  banner: REQUIRE_BANNER,
  bundleAwsSDK: true,
  minify: true,
  sourceMap: true,
  // Stack traces need file and line only; leaving the sources out keeps the asset small.
  sourcesContent: false,
} satisfies BundlingOptions;

/** What CDK leaves out of the bundle when the SDK is not bundled (the runtime provides them; cdk.json's sdkV3ExcludeSmithyPackages). */
export const RUNTIME_PROVIDED_MODULES = ['@aws-sdk/*', '@smithy/*'] as const;

/** INGEST_BUNDLING as esbuild build options (CDK passes the same as CLI flags), for benches and tests that bundle outside CDK. */
export function ingestEsbuildOptions(): BuildOptions {
  const nodeMajor = /nodejs(\d+)/.exec(INGEST_RUNTIME.name)?.[1];
  if (!nodeMajor) throw new Error(`cannot derive an esbuild target from runtime ${INGEST_RUNTIME.name}`);
  return {
    entryPoints: [INGEST_ENTRY],
    bundle: true,
    platform: 'node',
    target: `node${nodeMajor}`,
    format: 'esm',
    mainFields: INGEST_BUNDLING.mainFields,
    banner: { js: INGEST_BUNDLING.banner },
    minify: INGEST_BUNDLING.minify,
    sourcemap: INGEST_BUNDLING.sourceMap,
    sourcesContent: INGEST_BUNDLING.sourcesContent,
    external: INGEST_BUNDLING.bundleAwsSDK ? [] : [...RUNTIME_PROVIDED_MODULES],
    logLevel: 'error',
  };
}

export interface IngestFunctionParts {
  ingestFunction: NodejsFunction;
  role: Role;
  logGroup: LogGroup;
  errorsAlarm: Alarm;
}

export interface IngestFunctionInputs {
  bucket: IBucket;
  table: ITable;
  queue: Queue;
}

export function createIngestFunction(scope: Construct, settings: ArchiveDedupSettings, inputs: IngestFunctionInputs): IngestFunctionParts {
  const { bucket, table, queue } = inputs;
  const logGroup = new LogGroup(scope, 'IngestLogGroup', { retention: settings.logRetentionDays, removalPolicy: removalPolicyOf(settings) });

  // An explicit role instead of the default one: no AWS managed policy, logs only to this function's own group.
  const role = new Role(scope, 'IngestRole', {
    assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
    description: 'archive-dedup ingest: read watched raw pages, write the dedup index, consume the ingest queue',
  });
  logGroup.grantWrite(role);
  role.addToPrincipalPolicy(new PolicyStatement({
    sid: 'ReadWatchedRawPages',
    actions: [...INGEST_OBJECT_ACTIONS],
    resources: [bucket.arnForObjects(`${settings.watchPrefix}*`)],
  }));
  role.addToPrincipalPolicy(new PolicyStatement({
    sid: 'ListWatchedPrefix',
    actions: [...INGEST_LIST_ACTIONS],
    resources: [bucket.bucketArn],
    conditions: { StringLike: { 's3:prefix': [`${settings.watchPrefix}*`] } },
  }));
  bucket.encryptionKey?.grantDecrypt(role);
  role.addToPrincipalPolicy(new PolicyStatement({
    sid: 'ReadWriteDedupIndex',
    actions: [...INGEST_TABLE_ACTIONS],
    resources: [table.tableArn, ...Object.values(INDEXES).map((index) => `${table.tableArn}/index/${index.indexName}`)],
  }));
  // Ranges of a big WARC / JSONL object and continuations go back on the function's own queue (functions/ingest/work-items.ts).
  queue.grantSendMessages(role);

  const ingestFunction = new NodejsFunction(scope, 'IngestFunction', {
    description: 'archive-dedup: analyze raw pages and index near-duplicates',
    entry: INGEST_ENTRY,
    handler: 'handler',
    projectRoot: PROJECT_ROOT,
    depsLockFilePath: join(PROJECT_ROOT, 'package-lock.json'),
    runtime: INGEST_RUNTIME,
    architecture: Architecture.ARM_64,
    memorySize: settings.memoryMb,
    timeout: Duration.seconds(settings.timeoutSeconds),
    reservedConcurrentExecutions: settings.reservedConcurrency,
    // A big object is continued through the function's own queue (Lambda -> SQS -> Lambda) for as many invocations as it
    // takes; Lambda's loop detection would drop the chain after 16. Each continuation made progress (a range that
    // stalls fails its message instead, which ends in the dead-letter queue).
    recursiveLoop: RecursiveLoop.ALLOW,
    role,
    logGroup,
    environment: {
      ...ingestEnvironmentVariables({ ...settings, tableName: table.tableName, queueUrl: queue.queueUrl, bucketName: bucket.bucketName }),
      NODE_OPTIONS: INGEST_NODE_OPTIONS,
    },
    bundling: INGEST_BUNDLING,
  });
  ingestFunction.addEventSource(new SqsEventSource(queue, {
    batchSize: settings.batchSize,
    maxBatchingWindow: settings.maxBatchingWindowSeconds > 0 ? Duration.seconds(settings.maxBatchingWindowSeconds) : undefined,
    reportBatchItemFailures: true,
    maxConcurrency: settings.maxConcurrency,
  }));

  const errorsAlarm = alarmAbove(scope, 'IngestErrorsAlarm', {
    description: 'archive-dedup: the ingest function failed (an invocation threw or timed out)',
    metric: ingestFunction.metricErrors({ period: Duration.minutes(5), statistic: 'Sum' }),
    threshold: 0,
  });
  return { ingestFunction, role, logGroup, errorsAlarm };
}
