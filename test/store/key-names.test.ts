/** schema.ts says "nothing else names a key attribute": checked on the source, so a new literal `pk` fails here. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { INDEX_KEY_ATTRIBUTES } from '../../functions/store/keys.ts';
import { TABLE_KEYS } from '../../functions/store/schema.ts';

const FUNCTIONS = join(import.meta.dirname, '../../functions');
/** The two files allowed to spell key attribute names: the key design and the key builders. */
const ALLOWED = new Set(['store/schema.ts', 'store/keys.ts']);

function sourceFiles(dir: string, prefix = ''): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? sourceFiles(join(dir, entry.name), `${prefix}${entry.name}/`) : entry.name.endsWith('.ts') ? [`${prefix}${entry.name}`] : [],
  );
}

/** Code without its comments (line numbers kept); a `//` after a colon (a URL) is not taken for a comment. */
function withoutComments(source: string): string {
  return source.replace(/\/\*[\s\S]*?\*\//g, (comment) => comment.replace(/[^\n]/g, '')).replace(/(^|[^:])\/\/.*$/gm, '$1');
}

// The attributes that only key the table or an index (and the former ones); a document's own `rank`, which also sorts
// two indexes (schema.ts RANK_ATTRIBUTE), is one of its attributes like any other.
const KEY_NAMES = [TABLE_KEYS.partitionKey, TABLE_KEYS.sortKey, ...INDEX_KEY_ATTRIBUTES];
// A name as an attribute (not an expression placeholder like :pk or #clusterPk, not part of a longer identifier).
const NAMED = new RegExp(`(?<![\\w:#$])(${KEY_NAMES.join('|')})(?![\\w])`, 'g');

describe('key attribute names', () => {
  it('are spelled only in schema.ts and keys.ts', () => {
    const offenders = sourceFiles(FUNCTIONS)
      .filter((file) => !ALLOWED.has(file))
      .flatMap((file) =>
        withoutComments(readFileSync(join(FUNCTIONS, file), 'utf8'))
          .split('\n')
          .flatMap((line, index) => (line.match(NAMED) ? [`functions/${file}:${index + 1}: ${line.trim()}`] : [])),
      );
    expect(offenders).toEqual([]);
  });

  it('would catch a literal key name (the check itself can fail)', () => {
    expect("ConditionExpression: 'attribute_not_exists(pk)'".match(NAMED)).toEqual(['pk']);
    expect('{ hashSk: rank }'.match(NAMED)).toEqual(['hashSk']);
    expect("ExpressionAttributeValues: { ':pk': partition }, names: { '#clusterPk': x }".match(NAMED)).toBeNull();
  });
});
