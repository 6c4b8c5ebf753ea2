import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EventEmitter } from 'node:events';
import type { Server } from 'node:http';
import { CreateBucketCommand, type S3Client } from '@aws-sdk/client-s3';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { dynamoClientFor, s3ClientFor, type ClientTarget } from '../functions/ingest/clients.ts';
import { enforceDynamoLimits } from './dynamo-limits.ts';

const require = createRequire(import.meta.url);

/** Fixed defaults so the AWS CLI commands in the README work as printed; 0 picks a free port (tests). */
export const LOCAL_DEFAULTS = {
  host: '127.0.0.1',
  s3Port: 4569,
  dynamoPort: 4567,
  /** The live HTML report of `local`. */
  reportPort: 4570,
  bucket: 'raw-pages',
  region: 'us-east-1',
  /** s3rver and dynalite accept any credentials; these only satisfy the SDK's signer. */
  credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
} as const;

export interface LocalServerOptions {
  host?: string;
  s3Port?: number;
  dynamoPort?: number;
  /** Buckets created at start. */
  buckets?: string[];
  /** Where s3rver keeps objects; a fresh temporary folder (removed at stop) by default. */
  s3Directory?: string;
  /** Koa middleware put in front of s3rver's own (local/bridge.ts uses one to tell multipart completions apart). */
  s3Middleware?: ((ctx: never, next: () => Promise<unknown>) => Promise<unknown>)[];
}

export interface LocalServers {
  s3Endpoint: string;
  dynamoEndpoint: string;
  s3: S3Client;
  dynamo: DynamoDBClient;
  /** s3rver itself: emits 'event' with its (not quite real) S3 event records; see local/bridge.ts. */
  s3Events: EventEmitter;
  /** DynamoDB requests dynalite has received so far, from every client (worker threads included): for benchmarks. */
  dynamoRequests(): number;
  stop(): Promise<void>;
}

/** A client target on the local servers: their endpoint, the local region, and the key pair s3rver accepts. */
export function localTarget(endpoint: string, region: string = LOCAL_DEFAULTS.region): ClientTarget {
  return { endpoint, region, credentials: LOCAL_DEFAULTS.credentials };
}

export function localS3Client(endpoint: string): S3Client {
  return s3ClientFor(localTarget(endpoint));
}

export function localDynamoClient(endpoint: string, region?: string): DynamoDBClient {
  return dynamoClientFor(localTarget(endpoint, region));
}

interface S3rverInstance extends EventEmitter {
  middleware: unknown[];
  run(): Promise<AddressInfo>;
  close(): Promise<void>;
}
type S3rverConstructor = new (options: Record<string, unknown>) => S3rverInstance;
type DynaliteFactory = (options: Record<string, unknown>) => Server;

/** Rejects with the listen error (EADDRINUSE, EACCES) when the port cannot be bound; 0 (any free port) always can. */
export async function assertPortFree(host: string, port: number): Promise<void> {
  if (port === 0) return;
  await new Promise<void>((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(port, host, () => probe.close(() => resolve()));
  });
}

/** Start a real S3 API server (s3rver) and a real DynamoDB API server (dynalite, in memory) on loopback. */
export async function startLocalServers(options: LocalServerOptions = {}): Promise<LocalServers> {
  const host = options.host ?? LOCAL_DEFAULTS.host;
  const ownDirectory = options.s3Directory === undefined;
  const s3Directory = options.s3Directory ?? mkdtempSync(join(tmpdir(), 'archive-dedup-s3-'));

  const S3rver = require('s3rver') as S3rverConstructor;
  const s3rver = new S3rver({ address: host, port: options.s3Port ?? LOCAL_DEFAULTS.s3Port, silent: true, directory: s3Directory });
  // Koa composes its middleware at run(); put ours first so it wraps every request.
  s3rver.middleware.unshift(...(options.s3Middleware ?? []));
  const dynalite = (require('dynalite') as DynaliteFactory)({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  // dynalite measures sizes in UTF-16 units and skips index keys: the guard fails writes wherever AWS would.
  enforceDynamoLimits(dynalite);

  let s3Address: AddressInfo;
  try {
    // s3rver's own listen leaves a taken port as an unhandled 'error' event that kills the process: look first.
    await assertPortFree(host, options.s3Port ?? LOCAL_DEFAULTS.s3Port);
    s3Address = await s3rver.run();
  } catch (error) {
    throw new Error(`could not start the local S3 server on ${host}:${options.s3Port ?? LOCAL_DEFAULTS.s3Port}: ${(error as Error).message}`, { cause: error });
  }
  const dynamoPort = await new Promise<number>((resolve, reject) => {
    dynalite.once('error', reject);
    dynalite.listen(options.dynamoPort ?? LOCAL_DEFAULTS.dynamoPort, host, () => resolve((dynalite.address() as AddressInfo).port));
  }).catch(async (error: Error) => {
    await s3rver.close();
    throw new Error(`could not start the local DynamoDB server on ${host}:${options.dynamoPort ?? LOCAL_DEFAULTS.dynamoPort}: ${error.message}`, { cause: error });
  });

  let dynamoRequests = 0;
  dynalite.on('request', () => (dynamoRequests += 1));
  const s3Endpoint = `http://${host}:${s3Address.port}`;
  const dynamoEndpoint = `http://${host}:${dynamoPort}`;
  const s3 = localS3Client(s3Endpoint);
  const dynamo = localDynamoClient(dynamoEndpoint);
  for (const bucket of options.buckets ?? [LOCAL_DEFAULTS.bucket]) {
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  }

  return {
    s3Endpoint,
    dynamoEndpoint,
    s3,
    dynamo,
    s3Events: s3rver,
    dynamoRequests: () => dynamoRequests,
    async stop() {
      s3.destroy();
      dynamo.destroy();
      await s3rver.close();
      await new Promise<void>((resolve) => dynalite.close(() => resolve()));
      if (ownDirectory) rmSync(s3Directory, { recursive: true, force: true });
    },
  };
}
