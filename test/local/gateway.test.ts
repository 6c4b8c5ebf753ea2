/**
 * local/pipeline.ts is where local/ builds the ingest and the store (the rule its header states), and how the local
 * tools name a document from its docId.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { documentIdFor, recordDocumentId } from '../../functions/store/keys.ts';
import { keyOfDocId, keyOfDocument } from '../../local/pipeline.ts';

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

  it('names a document by its key as uploaded, a record of a crawl file by <key>#<recordId>, from the store docId', () => {
    expect(keyOfDocId(documentIdFor('raw-pages', 'pages/a b.html'), 'raw-pages')).toBe('pages/a b.html');
    expect(keyOfDocId(recordDocumentId('raw-pages', 'crawl/x.warc.gz', '@1024'), 'raw-pages')).toBe('crawl/x.warc.gz#@1024');
    expect(keyOfDocument({ bucket: 'raw-pages', key: 'x.jsonl', recordId: 'L3' })).toBe('x.jsonl#L3');
    expect(keyOfDocument({ bucket: 'raw-pages', key: 'pages/a.html' })).toBe('pages/a.html');
    // A docId of another bucket is not shortened into a key of this one.
    expect(keyOfDocId(documentIdFor('other', 'pages/a.html'), 'raw-pages')).toBe('other/pages/a.html');
  });
});
