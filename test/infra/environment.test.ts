/**
 * The function's environment contract (functions/ingest/environment.ts): the synthesized function sets exactly the
 * variables the handler's own code reads, and the handler reads back the settings the stack was given.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { ArchiveDedupStack } from '../../infra/archive-dedup-stack.ts';
import { optionsFromContext } from '../../infra/context.ts';
import { INGEST_NODE_OPTIONS } from '../../infra/ingest-function.ts';
import { ENDPOINT_VARIABLES } from '../../functions/ingest/clients.ts';
import { INGEST_VARIABLES, ingestEnvironmentFrom, powertoolsNamesFrom, THRESHOLD_VARIABLES } from '../../functions/ingest/environment.ts';
import { makeTempRoot, testApp } from './cdk-test-app.ts';

process.env.CDK_VALIDATION = 'false';
const root = makeTempRoot('environment');
afterAll(() => root.cleanup());

/** Every setting that reaches the environment, none at its default (a default layout is not named at all). */
const CONTEXT = { watchPrefix: 'pages/', indexLayout: 'p10x25', maxDistance: '3', minSimilarity: '0.6', mismatchGapDays: '365' };

function deployedEnvironment(context: Record<string, string>): Record<string, unknown> {
  const app = testApp(root, context);
  const stack = new ArchiveDedupStack(app, 'Environment', { pipeline: { options: optionsFromContext((key) => app.node.tryGetContext(key)) } });
  const functions = Object.values(Template.fromStack(stack).findResources('AWS::Lambda::Function', { Properties: { Description: Match.stringLikeRegexp('archive-dedup: analyze') } }));
  expect(functions).toHaveLength(1);
  return (functions[0] as { Properties: { Environment: { Variables: Record<string, unknown> } } }).Properties.Environment.Variables;
}

/** The environment as Lambda would set it: a reference to the table, queue or bucket becomes a plain string. */
function asDeployed(variables: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(Object.entries(variables).map(([name, value]) => [name, typeof value === 'string' ? value : `deployed-${name}`]));
}

/** Whether the code reading a variable is the project's own (not the SDK's, Powertools' or Node's). */
function readByProjectCode(): boolean {
  const frames = (new Error().stack ?? '').split('\n').slice(3); // past Error, this function and the proxy's get
  const caller = frames.find((frame) => !frame.includes('node:internal'));
  return caller !== undefined && caller.includes('/functions/') && !caller.includes('node_modules');
}

/** Runs the real handler (module scope and its first invocation) on `variables`; returns the variables its own code read. */
async function variablesTheHandlerReads(variables: Record<string, string>): Promise<Set<string>> {
  const read = new Set<string>();
  const original = process.env;
  // Powertools' own switches, so the run stays quiet; they are read by Powertools, not by the handler.
  const environment = { ...variables, POWERTOOLS_LOG_LEVEL: 'ERROR', POWERTOOLS_METRICS_DISABLED: 'true', AWS_REGION: 'us-east-1' };
  process.env = new Proxy(environment, {
    get(target, name) {
      if (typeof name === 'string' && readByProjectCode()) read.add(name);
      return (target as Record<string | symbol, unknown>)[name];
    },
  }) as NodeJS.ProcessEnv;
  try {
    const { handler } = await import('../../functions/ingest/handler.ts');
    // S3's test event: the first invocation builds the ingest from the environment and touches no AWS service.
    expect(await handler({ Service: 'Amazon S3', Event: 's3:TestEvent', Bucket: 'b' })).toEqual({ batchItemFailures: [] });
  } finally {
    process.env = original;
  }
  return read;
}

describe('the ingest environment contract', () => {
  it('is exactly what the synthesized function sets and the handler reads (beside NODE_OPTIONS, read by Node)', async () => {
    const deployed = asDeployed(deployedEnvironment(CONTEXT));
    const contract = [...Object.values(INGEST_VARIABLES), ...Object.values(THRESHOLD_VARIABLES)].sort();
    expect(Object.keys(deployed).sort()).toEqual([...contract, 'NODE_OPTIONS'].sort());
    expect(deployed.NODE_OPTIONS).toBe(INGEST_NODE_OPTIONS);

    const read = await variablesTheHandlerReads(deployed);
    // The SDK's endpoint variables are the handler's too, for a local S3 / DynamoDB; a deployed function sets none.
    expect([...read].filter((name) => !(ENDPOINT_VARIABLES as readonly string[]).includes(name)).sort()).toEqual(contract);
    for (const name of ENDPOINT_VARIABLES) expect(deployed[name]).toBeUndefined();
  });

  it('gives the handler back the settings the stack was deployed with', () => {
    const deployed = asDeployed(deployedEnvironment(CONTEXT));
    expect(ingestEnvironmentFrom(deployed)).toEqual({
      tableName: `deployed-${INGEST_VARIABLES.tableName}`,
      queueUrl: `deployed-${INGEST_VARIABLES.queueUrl}`,
      bucket: `deployed-${INGEST_VARIABLES.bucket}`,
      watchPrefix: 'pages/',
      indexLayout: 'p10x25',
      config: { maxDistance: 3, minSimilarity: 0.6, mismatchGapDays: 365 },
    });
    expect(powertoolsNamesFrom(deployed)).toEqual({ serviceName: 'archive-dedup-ingest', metricsNamespace: 'ArchiveDedup' });
  });

  it('names no layout for the default one, and the handler then uses the store default', () => {
    const deployed = asDeployed(deployedEnvironment({}));
    expect(deployed[INGEST_VARIABLES.indexLayout]).toBeUndefined();
    expect(ingestEnvironmentFrom(deployed).indexLayout).toBeUndefined();
  });

  it('fails on a missing table or a malformed value, naming the variable', () => {
    expect(() => ingestEnvironmentFrom({})).toThrow('TABLE_NAME is not set');
    expect(() => ingestEnvironmentFrom({ TABLE_NAME: 't', MIN_SIMILARITY: 'high' })).toThrow('MIN_SIMILARITY must be a number, got "high"');
    expect(() => ingestEnvironmentFrom({ TABLE_NAME: 't', INDEX_LAYOUT: 'bands8x8' })).toThrow('INDEX_LAYOUT "bands8x8" is not an index layout');
  });
});
