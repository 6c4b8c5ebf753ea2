/**
 * local/pipeline.ts is where local/ builds the ingest and the store (the rule its header states), and how the local
 * tools name a document from its docId.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { documentIdFor, recordDocumentId } from '../../functions/store/keys.ts';
import { RANGE_SOURCE } from '../../functions/ingest/work-items.ts';
import { keyOfDocId, keyOfDocument, objectsOfMessage } from '../../local/pipeline.ts';
import { s3Record } from '../ingest/s3-events.ts';

const LOCAL_DIR = join(import.meta.dirname, '../../local');

/** The modules that build an ingest or a store: only pipeline.ts imports values from them. */
const BUILDERS = ['functions/ingest/ingest.ts', 'functions/ingest/handler.ts', 'functions/store/index.ts', 'functions/store/listing.ts', 'functions/store/dynamo.ts'];

/** The values (not types: `import type`, `{ type X }`) each import of a source file brings in, with its module. */
function valueImports(source: string): { names: string[]; from: string }[] {
  return [...source.matchAll(/^import (?!type )([^;]*?) from '([^']+)';/gms)].map((match) => ({
    names: match[1]!.replace(/[{}]/g, '').split(',').map((name) => name.trim()).filter((name) => name !== '' && !name.startsWith('type ')),
    from: match[2]!,
  }));
}

describe('the local gateway', () => {
  it('no local/ file but pipeline.ts imports a value from the modules that build an ingest or a store', () => {
    const files = readdirSync(LOCAL_DIR).filter((name) => name.endsWith('.ts') && name !== 'pipeline.ts');
    expect(files.length).toBeGreaterThan(10);
    const offending = files.flatMap((name) =>
      valueImports(readFileSync(join(LOCAL_DIR, name), 'utf8'))
        .filter((entry) => entry.names.length > 0 && BUILDERS.some((module) => entry.from.endsWith(module)))
        .map((entry) => `${name}: ${entry.names.join(', ')} from ${entry.from}`),
    );
    expect(offending).toEqual([]);
    // The check sees such an import where there is one.
    const pipeline = valueImports(readFileSync(join(LOCAL_DIR, 'pipeline.ts'), 'utf8'));
    expect(pipeline.find((entry) => entry.from.endsWith('functions/store/index.ts'))?.names).toContain('createStore');
  });

  it('no local/ file sends a table command of its own (DescribeTable, CreateTable...): functions/store/table.ts does', () => {
    const files = readdirSync(LOCAL_DIR).filter((name) => name.endsWith('.ts'));
    const offending = files.flatMap((name) => [...readFileSync(join(LOCAL_DIR, name), 'utf8').matchAll(/\b(?:Describe|Create|Update|Delete)TableCommand\b/g)].map((match) => `${name}: ${match[0]}`));
    expect(offending).toEqual([]);
    expect(readFileSync(join(LOCAL_DIR, '../functions/store/table.ts'), 'utf8')).toMatch(/\bDescribeTableCommand\b/); // the check sees one where there is one
  });

  it('reads the objects of a queued message as the ingest does: S3 events (keys decoded), a range work item, an EventBridge event (its key as is); none of a body that is neither', () => {
    // s3Record encodes the key as S3 does (a space as '+', UTF-8 %-escaped).
    const event = { Records: [s3Record({ key: 'pages/a bé.html' }), s3Record({ bucket: 'other', key: 'x.html' })] };
    expect(JSON.stringify(event)).toContain('pages/a+b%C3%A9.html');
    expect(objectsOfMessage(JSON.stringify(event))).toEqual([
      { bucket: 'raw-pages', key: 'pages/a bé.html' },
      { bucket: 'other', key: 'x.html' },
    ]);
    const range = { source: RANGE_SOURCE, object: { bucket: 'raw-pages', key: 'crawl/x.warc.gz' }, container: { kind: 'warc', compressed: true }, range: { index: 1, count: 2, start: 8, end: null } };
    expect(objectsOfMessage(JSON.stringify(range))).toEqual([{ bucket: 'raw-pages', key: 'crawl/x.warc.gz' }]);
    const eventBridge = { source: 'aws.s3', 'detail-type': 'Object Created', time: '2026-11-01T00:00:00Z', detail: { bucket: { name: 'raw-pages' }, object: { key: 'pages/c d.html', size: 1, etag: 'e', sequencer: '01' } } };
    expect(objectsOfMessage(JSON.stringify(eventBridge))).toEqual([{ bucket: 'raw-pages', key: 'pages/c d.html' }]);
    const malformed = s3Record({ key: 'bad.html' });
    malformed.s3.object.key = 'bad%E0%A4%A.html'; // a %-escape that does not decode: the message names no key
    expect(objectsOfMessage(JSON.stringify({ Records: [malformed, s3Record({ key: 'fine.html' })] }))).toEqual([{ bucket: 'raw-pages', key: 'fine.html' }]);
    for (const body of ['not json', '{}', '[]', JSON.stringify({ ...range, object: undefined })]) expect(objectsOfMessage(body)).toEqual([]);
  });

  it('names a document by its key as uploaded, a record of a crawl file by <key>#<recordId>, from the store docId', () => {
    expect(keyOfDocId(documentIdFor('raw-pages', 'pages/a b.html'), 'raw-pages')).toBe('pages/a b.html');
    expect(keyOfDocId(recordDocumentId('raw-pages', 'crawl/x.warc.gz', '@1024'), 'raw-pages')).toBe('crawl/x.warc.gz#@1024');
    expect(keyOfDocument({ bucket: 'raw-pages', key: 'x.jsonl', recordId: 'L3' })).toBe('x.jsonl#L3');
    expect(keyOfDocument({ bucket: 'raw-pages', key: 'pages/a.html' })).toBe('pages/a.html');
    // A docId of another bucket is not shortened into a key of this one.
    expect(keyOfDocId(documentIdFor('other', 'pages/a.html'), 'raw-pages')).toBe('other/pages/a.html');
  });
});
