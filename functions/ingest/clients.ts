import { DynamoDBClient, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';

export interface StaticCredentials {
  accessKeyId: string;
  secretAccessKey: string;
}

/**
 * Where a client connects: by default the SDK's own endpoint, region and credential chain (real AWS); with an
 * `endpoint`, that server (s3rver, dynalite, MinIO), with the region and credentials given for it. The local tools
 * build their clients here too (local/servers.ts: localTarget), so the embedded stack and the Lambda configure them alike.
 */
export interface ClientTarget {
  endpoint?: string;
  region?: string;
  credentials?: StaticCredentials;
}

function targetConfig(target: ClientTarget): { endpoint?: string; region?: string; credentials?: StaticCredentials } {
  return {
    ...(target.endpoint ? { endpoint: target.endpoint } : {}),
    ...(target.region ? { region: target.region } : {}),
    ...(target.credentials ? { credentials: target.credentials } : {}),
  };
}

/**
 * The one S3 client factory. An explicit endpoint gets path-style URLs, and checksums only when required, so no
 * streamed-checksum chunk framing is stored into objects by servers that do not understand it.
 */
export function s3ClientFor(target: ClientTarget = {}): S3Client {
  if (!target.endpoint) return new S3Client(targetConfig(target));
  return new S3Client({ ...targetConfig(target), forcePathStyle: true, requestChecksumCalculation: 'WHEN_REQUIRED', responseChecksumValidation: 'WHEN_REQUIRED' });
}

/** The one DynamoDB client factory; `tuning` for a probe that must give up fast (attempts, timeouts). */
export function dynamoClientFor(target: ClientTarget = {}, tuning: Pick<DynamoDBClientConfig, 'maxAttempts' | 'requestHandler'> = {}): DynamoDBClient {
  return new DynamoDBClient({ ...targetConfig(target), ...tuning });
}

export function sqsClientFor(target: ClientTarget = {}): SQSClient {
  return new SQSClient(targetConfig(target));
}

/**
 * The SDK's own endpoint variables (service-specific first, then the general one), read here for a local S3 or
 * DynamoDB (s3rver, dynalite): not part of the deployed environment contract (environment.ts), which sets none.
 */
export const ENDPOINT_VARIABLES = ['AWS_ENDPOINT_URL_S3', 'AWS_ENDPOINT_URL_DYNAMODB', 'AWS_ENDPOINT_URL_SQS', 'AWS_ENDPOINT_URL'] as const;

/** The handler's clients: the standard credential chain and region; a local endpoint when the environment names one. */
export function clientsFromEnvironment(env: Readonly<Record<string, string | undefined>>): { s3: S3Client; dynamo: DynamoDBClient; sqs: SQSClient } {
  const s3Endpoint = env.AWS_ENDPOINT_URL_S3 || env.AWS_ENDPOINT_URL || undefined;
  const dynamoEndpoint = env.AWS_ENDPOINT_URL_DYNAMODB || env.AWS_ENDPOINT_URL || undefined;
  const sqsEndpoint = env.AWS_ENDPOINT_URL_SQS || env.AWS_ENDPOINT_URL || undefined;
  return { s3: s3ClientFor({ endpoint: s3Endpoint }), dynamo: dynamoClientFor({ endpoint: dynamoEndpoint }), sqs: sqsClientFor({ endpoint: sqsEndpoint }) };
}

/** Send message bodies to a queue, 10 per SendMessageBatch (SQS's limit); an entry SQS refuses fails the call, for a retry. */
export async function sendToQueue(sqs: SQSClient, queueUrl: string, bodies: string[]): Promise<void> {
  for (let at = 0; at < bodies.length; at += 10) {
    const entries = bodies.slice(at, at + 10).map((body, index) => ({ Id: String(index), MessageBody: body }));
    const result = await sqs.send(new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: entries }));
    if (result.Failed?.length) throw new Error(`SQS SendMessageBatch refused ${result.Failed.length} of ${entries.length} messages: ${result.Failed.map((failed) => `${failed.Code} ${failed.Message ?? ''}`).join('; ')}`);
  }
}
