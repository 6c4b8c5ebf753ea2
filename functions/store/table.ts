import { CreateTableCommand, DescribeTableCommand, ResourceNotFoundException, type DynamoDBClient, type GlobalSecondaryIndex } from '@aws-sdk/client-dynamodb';
import { toStoreError } from './errors.ts';
import { INDEXES, indexKeyAttributeNames, TABLE_KEYS, type IndexDefinition } from './schema.ts';

const TABLE_WAIT = { attempts: 60, delayMs: 500 } as const;

function indexDefinition(index: IndexDefinition): GlobalSecondaryIndex {
  return {
    IndexName: index.indexName,
    KeySchema: [
      { AttributeName: index.partitionKey, KeyType: 'HASH' },
      { AttributeName: index.sortKey, KeyType: 'RANGE' },
    ],
    Projection: { ProjectionType: index.projection.type, NonKeyAttributes: [...index.projection.attributes] },
  };
}

/**
 * Create the table with the schema.ts design (on-demand billing) unless it exists, and wait until it is ACTIVE.
 * For the embedded stack and tests; the CDK construct creates the same design in AWS.
 */
export async function ensureTable(client: DynamoDBClient, tableName: string): Promise<void> {
  try {
    const found = await describeTable(client, tableName);
    if (found?.TableStatus === 'ACTIVE') return;
  } catch (error) {
    if (!(error instanceof ResourceNotFoundException) && (error as Error).name !== 'ResourceNotFoundException') throw toStoreError('DescribeTable', error);
    await createTable(client, tableName);
  }
  await waitUntilActive(client, tableName);
}

/** A table must exist already (for the commands that only read one): its description, or the SDK's ResourceNotFoundException. */
export async function requireTable(client: DynamoDBClient, tableName: string): Promise<void> {
  await describeTable(client, tableName);
}

async function describeTable(client: DynamoDBClient, tableName: string) {
  return (await client.send(new DescribeTableCommand({ TableName: tableName }))).Table;
}

async function createTable(client: DynamoDBClient, tableName: string): Promise<void> {
  const indexes = Object.values(INDEXES);
  const attributeNames = [TABLE_KEYS.partitionKey, TABLE_KEYS.sortKey, ...indexKeyAttributeNames()];
  try {
    await client.send(
      new CreateTableCommand({
        TableName: tableName,
        BillingMode: 'PAY_PER_REQUEST',
        KeySchema: [
          { AttributeName: TABLE_KEYS.partitionKey, KeyType: 'HASH' },
          { AttributeName: TABLE_KEYS.sortKey, KeyType: 'RANGE' },
        ],
        AttributeDefinitions: attributeNames.map((name) => ({ AttributeName: name, AttributeType: 'S' })),
        GlobalSecondaryIndexes: indexes.map(indexDefinition),
      }),
    );
  } catch (error) {
    // Another process created it between our Describe and Create: fine.
    if ((error as Error).name !== 'ResourceInUseException') throw toStoreError('CreateTable', error);
  }
}

async function waitUntilActive(client: DynamoDBClient, tableName: string): Promise<void> {
  for (let attempt = 0; attempt < TABLE_WAIT.attempts; attempt++) {
    const Table = await describeTable(client, tableName);
    if (Table?.TableStatus === 'ACTIVE' && (Table.GlobalSecondaryIndexes ?? []).every((index) => index.IndexStatus === 'ACTIVE')) return;
    await new Promise((resolve) => setTimeout(resolve, TABLE_WAIT.delayMs));
  }
  throw new Error(`table ${tableName} did not become ACTIVE within ${(TABLE_WAIT.attempts * TABLE_WAIT.delayMs) / 1000} s`);
}
