/**
 * The report's "objects in progress" figure on a table (issue 14 with issue 11's ranges): WARC/JSONL objects whose
 * ranges are still running; finished and deleted objects are not counted.
 */
import { describe, expect, it } from 'vitest';
import { createDocumentReader } from '../../functions/store/listing.ts';
import { createStore, type ObjectRef } from '../../functions/store/index.ts';
import { buildReportData } from '../../local/report-data.ts';
import { useFreshTables } from '../support/table-fixture.ts';

const env = useFreshTables('progress');

function ref(key: string, sequencer: string): ObjectRef {
  return { bucket: 'raw-pages', key, sequencer, eTag: `etag-${key}`, size: 100_000, eventTime: '2026-11-01T00:00:00Z' };
}

describe('objects in progress', () => {
  it('counts objects with ranges still running, not finished or deleted ones, and the report shows the count', async () => {
    const store = createStore({ client: env.servers.dynamo, tableName: env.table });
    const reader = createDocumentReader({ client: env.servers.dynamo, tableName: env.table });
    expect(await reader.objectsInProgress()).toBe(0);

    const running = ref('crawl/running.warc.gz', '01');
    const finished = ref('crawl/finished.warc.gz', '02');
    const removed = ref('crawl/removed.warc.gz', '03');
    for (const object of [running, finished, removed]) expect(await store.beginObject(object, 2)).not.toBe('stale');
    expect(await reader.objectsInProgress()).toBe(3);

    await store.checkpointRange(running, 0, { records: 5, done: true });
    for (const index of [0, 1]) await store.checkpointRange(finished, index, { records: 5, done: true });
    await store.finishObject(finished);
    await store.markDeleted({ ...removed, sequencer: '04' });
    await store.removeObject({ ...removed, sequencer: '04' });

    expect(await reader.objectsInProgress()).toBe(1);
    expect((await buildReportData(reader, { source: 'table' })).counts.inProgress).toBe(1);
  });
});
