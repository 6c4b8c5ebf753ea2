/**
 * The embedded stack: real S3 and DynamoDB APIs on loopback (local/servers.ts), the table, and every upload's
 * event delivered through the bridge and queue to the same ingest code the Lambda runs.
 */
import { DEFAULT_TABLE_NAME } from '../functions/store/schema.ts';
import { bridgeS3Events, tagMultipartRequests } from './bridge.ts';
import { createIngest, ensureTable, openStore, type StoreView } from './pipeline.ts';
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
  /** Told of each object handled (the `local` command prints these). */
  onOutcome?(docId: string, outcome: string): void;
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
    const ingest = createIngest({
      s3: servers.s3,
      ...target,
      bucket,
      onOutcome: options.onOutcome,
      onFailure: (docId, message) => failures.set(docId, message),
    });
    const store = openStore(target);
    const queue = new LocalQueue((event) => ingest.processEvent(event), { concurrency: options.concurrency ?? 2 });
    const stopBridge = bridgeS3Events(servers.s3Events, (event) => queue.send(JSON.stringify(event)));
    return {
      servers,
      bucket,
      tableName,
      store,
      whenIdle: () => queue.whenIdle(),
      deadLetters: queue.deadLetters,
      pending: () => queue.pending,
      lastFailure: (docId) => failures.get(docId),
      async stop() {
        stopBridge();
        await queue.whenIdle();
        queue.close();
        await servers.stop();
      },
    };
  } catch (error) {
    await servers.stop();
    throw error;
  }
}
