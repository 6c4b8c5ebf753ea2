import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';

/**
 * S3 client options for an explicit endpoint (s3rver, MinIO): path-style URLs, and checksums only when required,
 * so no streamed-checksum chunk framing is stored into objects by servers that do not understand it.
 */
export function s3ClientConfig(endpoint?: string): S3ClientConfig {
  if (!endpoint) return {};
  return { endpoint, forcePathStyle: true, requestChecksumCalculation: 'WHEN_REQUIRED', responseChecksumValidation: 'WHEN_REQUIRED' };
}

/** The handler's clients: the standard credential chain and region; a local endpoint when the environment names one. */
export function clientsFromEnvironment(env: NodeJS.ProcessEnv): { s3: S3Client; dynamo: DynamoDBClient } {
  const s3Endpoint = env.AWS_ENDPOINT_URL_S3 || env.AWS_ENDPOINT_URL || undefined;
  const dynamoEndpoint = env.AWS_ENDPOINT_URL_DYNAMODB || env.AWS_ENDPOINT_URL || undefined;
  return { s3: new S3Client(s3ClientConfig(s3Endpoint)), dynamo: new DynamoDBClient(dynamoEndpoint ? { endpoint: dynamoEndpoint } : {}) };
}
