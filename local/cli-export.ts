/**
 * `export --format csv|jsonl [--out FILE]`: every document and cluster of the table, and for each near-duplicate or
 * revisit a WARC-revisit-like record (see export-rows.ts). The table is read with a paginated Scan: a full export
 * reads every item anyway. Streaming: one Scan page at a time; only the originals referred to and a count per
 * cluster are kept.
 */
import { createWriteStream, renameSync, rmSync, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import type { StoredDocument } from '../functions/store/index.ts';
import { DEFAULT_TABLE_NAME } from '../functions/store/schema.ts';
import { csvLine, DOCUMENT_COLUMNS, documentRow, referableOf, referredDocId, REVISIT_COLUMNS, revisitRow, type Referable } from './export-rows.ts';
import { openDocumentReader, type DocumentReader } from './pipeline.ts';
import { Progress, type ProgressStream } from './progress.ts';
import { withStoreTarget } from './store-target.ts';

export type ExportFormat = 'csv' | 'jsonl';

type WriteLine = (line: string) => Promise<void> | void;

export interface ExportSummary {
  documents: number;
  clusters: number;
  revisits: number;
}

/** Originals are looked up once each, a Scan page at a time (BatchGet). */
async function referredOf(reader: DocumentReader, documents: StoredDocument[], cache: Map<string, Referable | null>): Promise<void> {
  const wanted = [...new Set(documents.map(referredDocId).filter((docId): docId is string => docId !== null && !cache.has(docId)))];
  for (const found of await reader.getMany(wanted)) cache.set(found.docId, referableOf(found));
  for (const docId of wanted) if (!cache.has(docId)) cache.set(docId, null); // gone since: no revisit record for it
}

export async function exportTable(reader: DocumentReader, format: ExportFormat, writeLine: WriteLine, progress?: Progress): Promise<ExportSummary> {
  const summary: ExportSummary = { documents: 0, clusters: 0, revisits: 0 };
  const clusterSizes = new Map<string, number>();
  const originals = new Map<string, Referable | null>();
  // CSV: one row per document; a near-duplicate's row also carries its WARC revisit fields. The header is written
  // once the first Scan page is in, so a store that cannot be read leaves no header-only file behind.
  let headerWritten = format !== 'csv';
  const header = async () => {
    if (!headerWritten) await writeLine(csvLine([...DOCUMENT_COLUMNS, ...REVISIT_COLUMNS]));
    headerWritten = true;
  };

  for await (const page of reader.pages()) {
    await header();
    await referredOf(reader, page, originals);
    for (const document of page) {
      const row = documentRow(document);
      const referred = referredDocId(document);
      const original = referred ? originals.get(referred) : null;
      const revisit = original ? revisitRow(document, original) : null;
      if (row.clusterId !== null) clusterSizes.set(String(row.clusterId), (clusterSizes.get(String(row.clusterId)) ?? 0) + 1);
      summary.documents += 1;
      if (revisit) summary.revisits += 1;
      if (format === 'csv') {
        await writeLine(csvLine([...DOCUMENT_COLUMNS.map((column) => row[column]), ...REVISIT_COLUMNS.map((column) => revisit?.[column] ?? null)]));
      } else {
        await writeLine(JSON.stringify({ type: 'document', ...row }));
        if (revisit) await writeLine(JSON.stringify({ type: 'revisit', ...revisit }));
      }
    }
    progress?.update({ done: summary.documents, total: summary.documents, final: false });
  }
  await header();
  summary.clusters = clusterSizes.size;
  if (format === 'jsonl') {
    for (const [clusterId, size] of clusterSizes) await writeLine(JSON.stringify({ type: 'cluster', clusterId, original: clusterId, size }));
  }
  return summary;
}

export interface ExportCommandOptions {
  format: ExportFormat;
  out?: string;
  endpointUrl?: string;
  region?: string;
  tableName?: string;
}

function fileLines(stream: WriteStream): WriteLine {
  return async (line) => {
    if (!stream.write(`${line}\n`)) await once(stream, 'drain');
  };
}

/**
 * To a file: written under a temporary name and renamed at the end, so a failed export leaves no file (nor a
 * header-only one). To stdout: nothing is written before the first page of the table has been read.
 */
export async function exportCommand(options: ExportCommandOptions, write: (line: string) => void, progressStream: ProgressStream = process.stderr): Promise<number> {
  const partial = options.out ? `${options.out}.partial-${process.pid}` : null;
  const file = partial ? createWriteStream(partial) : null;
  const progress = new Progress(progressStream, 'export', { unit: 'documents' });
  try {
    return await withStoreTarget(options, async (dynamo) => {
      const reader = openDocumentReader({ dynamo, tableName: options.tableName ?? DEFAULT_TABLE_NAME });
      const summary = await exportTable(reader, options.format, file ? fileLines(file) : write, progress);
      progress.finish({ done: summary.documents, total: summary.documents, final: true });
      if (file && partial && options.out) {
        file.end();
        await once(file, 'finish');
        renameSync(partial, options.out);
        write(`exported ${summary.documents} documents, ${summary.clusters} clusters and ${summary.revisits} revisit records to ${options.out}`);
      }
      return 0;
    });
  } finally {
    file?.destroy();
    if (partial) rmSync(partial, { force: true });
  }
}
