/**
 * Which DynamoDB the reading commands (duplicates, mismatches, export, report, backfill) talk to, and what to tell
 * a person when it does not answer as a DynamoDB table should: which endpoint and region were tried, whether the
 * local stack answers on its default port, that a port is not a DynamoDB endpoint, which table is missing.
 */
import { ListTablesCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { dynamoClientFor } from '../functions/ingest/clients.ts';
import { LOCAL_DEFAULTS, localDynamoClient, localTarget } from './servers.ts';

export interface StoreTargetOptions {
  /** A DynamoDB endpoint (the local stack's); without it, real AWS through the standard credential chain. */
  endpointUrl?: string;
  region?: string;
  tableName?: string;
}

/** The command's own failure, already worded for a person: the CLI prints the message alone and exits 3. */
export class CommandFailure extends Error {
  override name = 'CommandFailure';
}

export const LOCAL_DYNAMO_ENDPOINT = `http://${LOCAL_DEFAULTS.host}:${LOCAL_DEFAULTS.dynamoPort}`;

export function dynamoFor(options: StoreTargetOptions): DynamoDBClient {
  // The local servers accept any credentials; the signer still needs some.
  return options.endpointUrl ? localDynamoClient(options.endpointUrl, options.region) : dynamoClientFor({ region: options.region });
}

/** Does a DynamoDB API answer at `endpoint`? One ListTables, one attempt, 1 s at most. */
export async function dynamoAnswers(endpoint: string): Promise<boolean> {
  const client = dynamoClientFor(localTarget(endpoint), { maxAttempts: 1, requestHandler: { connectionTimeout: 500, requestTimeout: 1000 } });
  try {
    await client.send(new ListTablesCommand({ Limit: 1 }));
    return true;
  } catch {
    return false;
  } finally {
    client.destroy();
  }
}

/** The SDK error under the store's wrappers (StoreError keeps it as `cause`). */
function rootCause(error: unknown): Error & { code?: string; $metadata?: unknown } {
  let current = error as Error & { cause?: unknown };
  for (let depth = 0; depth < 5 && current?.cause instanceof Error; depth++) current = current.cause as Error & { cause?: unknown };
  return current;
}

function where(options: StoreTargetOptions): string {
  if (options.endpointUrl) return `endpoint ${options.endpointUrl}`;
  const region = options.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION;
  return `real AWS (the SDK's default endpoint, region ${region ?? 'not set'})`;
}

/**
 * Reword a failure to reach the table, or return null when it is something else (left to the caller).
 * `localEndpoint` is where a local stack is looked for when no endpoint was given (the default port; tests pass another).
 */
export async function explainStoreFailure(error: unknown, options: StoreTargetOptions, localEndpoint = LOCAL_DYNAMO_ENDPOINT): Promise<string | null> {
  const cause = rootCause(error);
  const text = `${cause.name}: ${cause.message}`;
  const table = options.tableName ?? 'archive-dedup';
  const tried = where(options);
  const suggestLocal = async () =>
    !options.endpointUrl && (await dynamoAnswers(localEndpoint))
      ? ` A local stack answers at ${localEndpoint}: add --endpoint-url ${localEndpoint}.`
      : ` For the local stack (archive-dedup local), add --endpoint-url ${LOCAL_DYNAMO_ENDPOINT}; for a deployed table, --region R (or AWS_REGION).`;
  if (/Region is missing/i.test(text)) return `no AWS region set: tried ${tried}.${await suggestLocal()}`;
  if (cause.name === 'CredentialsProviderError' || /Could not load credentials/i.test(text)) return `no AWS credentials found for ${tried}.${await suggestLocal()}`;
  if (cause.name === 'ResourceNotFoundException') return `table "${table}" not found at ${tried} (--table names it; the local stack's is archive-dedup).`;
  if (cause.name === 'SyntaxError' || /is not valid JSON|Unexpected token|Deserialization error|UnknownError/i.test(text)) {
    return `${tried} is not a DynamoDB endpoint (it answered, but not in DynamoDB's protocol${/Not Found/.test(text) ? ': "Not Found"' : ''}; is it the S3 port? The local stack's DynamoDB is ${LOCAL_DYNAMO_ENDPOINT}).`;
  }
  if (/ECONNREFUSED|ENOTFOUND|EHOSTUNREACH|ETIMEDOUT|socket hang up/i.test(`${text} ${cause.code ?? ''}`)) {
    return `nothing answers at ${tried}: ${cause.message || cause.code}.${options.endpointUrl ? ' Is `npx archive-dedup local` running?' : await suggestLocal()}`;
  }
  return null;
}

/** Run a command's store work; failures to reach the table come out as a CommandFailure worded by explainStoreFailure. */
export async function withStoreTarget<T>(options: StoreTargetOptions, task: (dynamo: DynamoDBClient) => Promise<T>): Promise<T> {
  const dynamo = dynamoFor(options);
  try {
    return await task(dynamo);
  } catch (error) {
    const explained = await explainStoreFailure(error, options);
    throw explained ? new CommandFailure(explained, { cause: error }) : error;
  } finally {
    dynamo.destroy();
  }
}
