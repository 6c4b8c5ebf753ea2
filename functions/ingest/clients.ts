import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';
import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';

/**
 * S3 client options for an explicit endpoint (s3rver, MinIO): path-style URLs, and checksums only when required,
 * so no streamed-checksum chunk framing is stored into objects by servers that do not understand it.
 */
export function s3ClientConfig(endpoint?: string): S3ClientConfig {
  if (!endpoint) return {};
  return { endpoint, forcePathStyle: true, requestChecksumCalculation: 'WHEN_REQUIRED', responseChecksumValidation: 'WHEN_REQUIRED' };
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
  return {
    s3: new S3Client(s3ClientConfig(s3Endpoint)),
    dynamo: new DynamoDBClient(dynamoEndpoint ? { endpoint: dynamoEndpoint } : {}),
    sqs: new SQSClient(sqsEndpoint ? { endpoint: sqsEndpoint } : {}),
  };
}

/** Send message bodies to a queue, 10 per SendMessageBatch (SQS's limit); an entry SQS refuses fails the call, for a retry. */
export async function sendToQueue(sqs: SQSClient, queueUrl: string, bodies: string[]): Promise<void> {
  for (let at = 0; at < bodies.length; at += 10) {
    const entries = bodies.slice(at, at + 10).map((body, index) => ({ Id: String(index), MessageBody: body }));
    const result = await sqs.send(new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: entries }));
    if (result.Failed?.length) throw new Error(`SQS SendMessageBatch refused ${result.Failed.length} of ${entries.length} messages: ${result.Failed.map((failed) => `${failed.Code} ${failed.Message ?? ''}`).join('; ')}`);
  }
}
