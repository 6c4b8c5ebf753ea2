/** `duplicates` and `mismatches`: read the store, local (--endpoint-url) or in AWS (standard credential chain). */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { documentIdFor } from '../functions/store/keys.ts';
import { DEFAULT_TABLE_NAME } from '../functions/store/schema.ts';
import { openStore, type StoreView } from './pipeline.ts';
import { mismatchLines } from './report.ts';
import { LOCAL_DEFAULTS } from './servers.ts';

type Write = (line: string) => void;

export interface QueryOptions {
  endpointUrl?: string;
  region?: string;
  tableName?: string;
  bucket?: string;
  json: boolean;
}

function dynamoFor(options: QueryOptions): DynamoDBClient {
  if (options.endpointUrl) {
    // The local servers accept any credentials; the signer still needs some.
    return new DynamoDBClient({ endpoint: options.endpointUrl, region: options.region ?? LOCAL_DEFAULTS.region, credentials: LOCAL_DEFAULTS.credentials });
  }
  return new DynamoDBClient(options.region ? { region: options.region } : {});
}

async function withStore<T>(options: QueryOptions, task: (store: StoreView) => Promise<T>): Promise<T> {
  const dynamo = dynamoFor(options);
  try {
    return await task(openStore({ dynamo, tableName: options.tableName ?? DEFAULT_TABLE_NAME }));
  } finally {
    dynamo.destroy();
  }
}

export async function duplicatesCommand(key: string, options: QueryOptions, write: Write): Promise<number> {
  const bucket = options.bucket ?? LOCAL_DEFAULTS.bucket;
  return withStore(options, async (store) => {
    const document = await store.getDocument(documentIdFor(bucket, key));
    if (!document) {
      write(options.json ? JSON.stringify({ key, error: 'not found' }) : `${bucket}/${key}: not found in the store`);
      return 1;
    }
    const members = document.clusterId ? await store.documentsInCluster(document.clusterId) : [document];
    if (options.json) {
      write(JSON.stringify({ key, clusterId: document.clusterId, members: members.map(({ key: memberKey, distance, dateMismatch, mismatchKinds, status }) => ({ key: memberKey, distance, dateMismatch, mismatchKinds, status })) }));
      return 0;
    }
    write(`${key}: ${document.status}${document.reason ? ` (${document.reason})` : ''}`);
    const [original, ...copies] = members;
    if (original) write(`  original: ${original.key}`);
    for (const copy of copies) write(`  copy:     ${copy.key}  distance ${copy.distance ?? '?'}${copy.dateMismatch ? `  [date mismatch] ${copy.mismatchKinds.join(', ')}` : ''}`);
    if (copies.length === 0) write('  no near-duplicates');
    return 0;
  });
}

export async function mismatchesCommand(options: QueryOptions, write: Write): Promise<number> {
  return withStore(options, async (store) => {
    const mismatches = await store.listMismatches();
    if (options.json) {
      write(JSON.stringify({ mismatches: mismatches.map(({ key, mismatchKinds, dateEvidence, earlierCopy, clusterId }) => ({ key, mismatchKinds, dateEvidence, earlierCopy, clusterId })) }));
      return 0;
    }
    write(`${mismatches.length} mismatched-date copies`);
    for (const document of mismatches) for (const line of mismatchLines(document)) write(line);
    return 0;
  });
}
