import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { analyzePage } from './functions/core/analyze.ts';
import { createStore } from './functions/store/index.ts';
import { valueBytes, itemSizeBytes } from './functions/store/limits.ts';
import { corpusHtmlPages, buildWorkload } from './bench/support/workload.ts';
import { startTestServers, freshTable } from './test/support/local-servers.ts';
const servers = await startTestServers();
const table = await freshTable(servers, 'size');
const store = createStore({ client: servers.dynamo, tableName: table });
const [, ...pool] = corpusHtmlPages();
const uploads = buildWorkload(pool, 120);
let seq = 10;
for (const u of uploads) {
  const a = analyzePage(u.body, { fileName: u.key });
  seq++;
  const ref = { bucket: 'raw-pages', key: u.key, sequencer: seq.toString(16).toUpperCase().padStart(18, '0'), eTag: '"0123456789abcdef0123456789abcdef"', size: u.body.length, eventTime: new Date().toISOString() };
  if ('simhash' in a) await store.recordDocument(ref, a as any);
}
const db = DynamoDBDocumentClient.from(servers.dynamo);
let Items: any[] = []; let k: any;
do { const r = await db.send(new ScanCommand({ TableName: table, ExclusiveStartKey: k })); Items.push(...(r.Items ?? [])); k = r.LastEvaluatedKey; } while (k);
const med = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
for (const kind of ['DOC', 'BAND', 'CLUSTER']) {
  const items = Items.filter((i) => (kind === 'DOC' ? i.sk === 'DOC' : kind === 'CLUSTER' ? i.sk === 'CLUSTER' : String(i.pk).startsWith('BAND')));
  const sizes = items.map(itemSizeBytes);
  console.log(kind, items.length, 'median', med([...sizes]));
  const attrs = new Map<string, number[]>();
  for (const it of items) for (const [n, v] of Object.entries(it)) attrs.set(n, [...(attrs.get(n) ?? []), Buffer.byteLength(n) + valueBytes(v)]);
  console.log('  ', [...attrs.entries()].map(([n, xs]) => [n, xs.reduce((a, b) => a + b, 0) / items.length] as const).sort((a, b) => b[1] - a[1]).map(([n, x]) => `${n}=${x.toFixed(0)}`).join(' '));
}
const labelled = Items.filter((i) => i.sk === 'DOC' && i.clusterPk);
console.log('labelled docs', labelled.length, 'median', med(labelled.map(itemSizeBytes)), 'unlabelled median', med(Items.filter((i) => i.sk === 'DOC' && !i.clusterPk).map(itemSizeBytes)));
console.log(JSON.stringify(labelled[3], (k, v) => (k === 'sketch' ? '<sketch>' : v)));
await servers.stop();
