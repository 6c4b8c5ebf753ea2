/**
 * The embedded stack: real S3 and DynamoDB APIs on loopback (local/servers.ts), the table, and every upload's
 * event delivered through the bridge and queue to the same ingest code the Lambda runs.
 */
import type { SQSEvent } from 'aws-lambda';
import { FUNCTION_DEFAULTS } from '../functions/ingest/function-limits.ts';
import type { IndexLayoutName } from '../functions/store/index-layout.ts';
import { DEFAULT_TABLE_NAME } from '../functions/store/schema.ts';
import { bridgeS3Events, tagMultipartRequests } from './bridge.ts';
import { FunctionInvoker, type InvokerStats } from './invoker.ts';
import { createIngest, docIdsOfMessage, ensureTable, openStore, type IngestInit, type StoreView } from './pipeline.ts';
import { LocalQueue, type DeadLetter } from './queue.ts';
import { LOCAL_DEFAULTS, startLocalServers, type LocalServers } from './servers.ts';

export interface StackOptions {
  host?: string;
  /** 0 picks a free port. */
  s3Port?: number;
  dynamoPort?: number;
  tableName?: string;
  bucket?: string;
  /** Concurrent handler invocations. */
  concurrency?: number;
  /** The function's timeout and memory, as deployed (default: the stack's, functions/ingest/function-limits.ts). */
  functionTimeoutSeconds?: number;
  functionMemoryMb?: number;
  /** Receives before a message is dead-lettered (default: the stack's). */
  maxReceiveCount?: number;
  /** Bytes per range of a big WARC (default: the ingest's). */
  rangeBytes?: number;
  /** Candidate index layout of the ingest (default: the store's). */
  indexLayout?: IndexLayoutName;
  /** How long after its receive a message not deleted comes back (default 1 s; the deployed queue waits 6x the timeout). */
  visibilityTimeoutSeconds?: number;
  /**
   * Run each invocation in a worker thread under the function's limits (default). `false`: in this process, without
   * limits (only for code that must reach the ingest's internals, e.g. a fault injected into its clients).
   */
  isolate?: boolean;
  /** Told of each document or object handled, with the docId of its object (the `local` command prints these). */
  onOutcome?(docId: string, outcome: string, objectId: string): void;
  /** Told of each message body put on the ingest queue (S3 events, ranges, continuations): the stack keeps none. */
  onSend?(body: string): void;
}

export interface EmbeddedStack {
  servers: LocalServers;
  bucket: string;
  tableName: string;
  store: StoreView;
  /** Resolves once every event so far has been handled (or dead-lettered). */
  whenIdle(): Promise<void>;
  deadLetters: readonly DeadLetter[];
  /** Events queued or being handled: objects still in progress. */
  pending(): number;
  /** The last error the ingest reported for a docId, if it failed at least once. */
  lastFailure(docId: string): string | undefined;
  /** Invocations, cold starts, timeouts and out-of-memory kills so far (zeros when not isolated). */
  invocations: InvokerStats;
  /** Put a message on the ingest queue (as `aws sqs send-message` would): e.g. one told to onSend again, a redelivery. */
  send(body: string): void;
  stop(): Promise<void>;
}

export async function startEmbeddedStack(options: StackOptions = {}): Promise<EmbeddedStack> {
  const bucket = options.bucket ?? LOCAL_DEFAULTS.bucket;
  const tableName = options.tableName ?? DEFAULT_TABLE_NAME;
  const servers = await startLocalServers({
    host: options.host,
    s3Port: options.s3Port,
    dynamoPort: options.dynamoPort,
    buckets: [bucket],
    s3Middleware: [tagMultipartRequests],
  });
  try {
    const target = { dynamo: servers.dynamo, tableName };
    await ensureTable(target);
    const failures = new Map<string, string>();
    const onFailure = (docId: string, message: string) => failures.set(docId, message);
    const timeoutSeconds = options.functionTimeoutSeconds ?? FUNCTION_DEFAULTS.timeoutSeconds;
    const store = openStore(target);
    let invoke: (event: SQSEvent) => ReturnType<FunctionInvoker<IngestInit>['invoke']>;
    let invoker: FunctionInvoker<IngestInit> | null = null;
    // The queue is made below; messages the function sends to it wait for it.
    const send = (body: string): void => {
      options.onSend?.(body);
      queue.send(body);
    };
    if (options.isolate === false) {
      const ingest = createIngest({ s3: servers.s3, ...target, bucket, rangeBytes: options.rangeBytes, indexLayout: options.indexLayout, onOutcome: options.onOutcome, onFailure, send: async (bodies) => bodies.forEach(send) });
      invoke = (event) => ingest.processEvent(event);
    } else {
      const init: IngestInit = { s3Endpoint: servers.s3Endpoint, dynamoEndpoint: servers.dynamoEndpoint, tableName, bucket, rangeBytes: options.rangeBytes, indexLayout: options.indexLayout };
      const functionInvoker = new FunctionInvoker({
        entry: new URL('./invocation-worker.ts', import.meta.url),
        init,
        timeoutSeconds,
        memoryMb: options.functionMemoryMb,
        onOutcome: options.onOutcome,
        onFailure,
        onSend: send,
      });
      invoker = functionInvoker;
      invoke = async (event) => {
        try {
          return await functionInvoker.invoke(event);
        } catch (error) {
          // A killed invocation reports nothing itself: its messages' documents get the reason (Lambda's own words).
          for (const record of event.Records) for (const docId of docIdsOfMessage(record.body)) failures.set(docId, `${(error as Error).name}: ${(error as Error).message}`);
          throw error;
        }
      };
    }
    const queue = new LocalQueue((event) => invoke(event), {
      concurrency: options.concurrency ?? 2,
      maxReceiveCount: options.maxReceiveCount ?? FUNCTION_DEFAULTS.maxReceiveCount,
      // A message not deleted comes back after the visibility timeout, counted from its receive (the deployed queue:
      // 6x the function timeout; locally 1 s by default, so a poison message is dead-lettered in seconds, not minutes).
      visibilityTimeoutMs: options.isolate === false ? undefined : (options.visibilityTimeoutSeconds ?? 1) * 1000,
    });
    const stopBridge = bridgeS3Events(servers.s3Events, (event) => send(JSON.stringify(event)));
    return {
      servers,
      bucket,
      tableName,
      store,
      whenIdle: () => queue.whenIdle(),
      deadLetters: queue.deadLetters,
      pending: () => queue.pending,
      lastFailure: (docId) => failures.get(docId),
      invocations: invoker?.stats ?? { invocations: 0, coldStarts: 0, timeouts: 0, outOfMemory: 0 },
      send,
      async stop() {
        stopBridge();
        await queue.whenIdle();
        queue.close();
        await invoker?.close();
        await servers.stop();
      },
    };
  } catch (error) {
    await servers.stop();
    throw error;
  }
}
