/** Test helpers around local/servers.ts: real s3rver and dynalite on random loopback ports, a fresh table per test. */
import { randomUUID } from 'node:crypto';
import { startLocalServers, type LocalServers } from '../../local/servers.ts';
import { ensureTable } from '../../functions/store/index.ts';

export type { LocalServers };

/** Start both servers on free ports (bucket `raw-pages` created). Call `stop()` in afterAll. */
export function startTestServers(buckets: string[] = ['raw-pages']): Promise<LocalServers> {
  return startLocalServers({ s3Port: 0, dynamoPort: 0, buckets });
}

/** A new table with the store's schema, so tests never see each other's items. */
export async function freshTable(servers: Pick<LocalServers, 'dynamo'>, prefix = 'test'): Promise<string> {
  const tableName = `${prefix}-${randomUUID().slice(0, 8)}`;
  await ensureTable(servers.dynamo, tableName);
  return tableName;
}
