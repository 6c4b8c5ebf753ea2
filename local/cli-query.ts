/** `duplicates` and `mismatches`: read the store, local (--endpoint-url) or in AWS (standard credential chain). */
import { documentIdFor } from '../functions/store/keys.ts';
import { DEFAULT_TABLE_NAME } from '../functions/store/schema.ts';
import { openStore, type DocumentView, type StoreView } from './pipeline.ts';
import { mismatchLines } from './report.ts';
import { LOCAL_DEFAULTS } from './servers.ts';
import { withStoreTarget } from './store-target.ts';

type Write = (line: string) => void;

export interface QueryOptions {
  endpointUrl?: string;
  region?: string;
  tableName?: string;
  bucket?: string;
  json: boolean;
}

async function withStore<T>(options: QueryOptions, task: (store: StoreView) => Promise<T>): Promise<T> {
  return withStoreTarget(options, (dynamo) => task(openStore({ dynamo, tableName: options.tableName ?? DEFAULT_TABLE_NAME })));
}

const flag = (document: DocumentView) => `${document.dateMismatch ? '  [date mismatch]' : ''}${document.status === 'deleted' ? '  [deleted]' : ''}`;

export async function duplicatesCommand(key: string, options: QueryOptions, write: Write): Promise<number> {
  const bucket = options.bucket ?? LOCAL_DEFAULTS.bucket;
  return withStore(options, async (store) => {
    const docId = documentIdFor(bucket, key);
    const document = await store.getDocument(docId);
    if (!document) {
      write(options.json ? JSON.stringify({ key, error: 'not found' }) : `${docId}: not found in the store`);
      return 1;
    }
    const members = document.clusterId ? await store.documentsInCluster(document.clusterId) : [document];
    // The cluster's original is the document its id names; once deleted it leaves the index but stays its cluster's id.
    // A document with no cluster (rejected) stands for itself, as a page alone does.
    const original = !document.clusterId ? document : members[0]?.docId === document.clusterId ? members[0] : await store.getDocument(document.clusterId);
    const copies = members.filter((member) => member !== original);
    if (options.json) {
      const shown = original && original !== members[0] ? [original, ...copies] : members;
      write(JSON.stringify({ key, clusterId: document.clusterId, members: shown.map(({ key: memberKey, distance, dateMismatch, mismatchKinds, status }) => ({ key: memberKey, distance, dateMismatch, mismatchKinds, status })) }));
      return 0;
    }
    write(`${key}: ${document.status}${document.reason ? ` (${document.reason})` : ''}`);
    if (original) write(`  original: ${original.key}${flag(original)}`);
    for (const copy of copies) write(`  copy:     ${copy.key}  distance ${copy.distance ?? '?'}${flag(copy)}`);
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
