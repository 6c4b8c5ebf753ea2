/**
 * `report --out report.html`: the HTML report of a table (local stack or deployed), and the pieces `run --html` and
 * `local` (served live) use: read the table (report-data.ts), render the page (report-page.ts), write it whole.
 */
import { renameSync, rmSync, writeFileSync } from 'node:fs';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DEFAULT_TABLE_NAME } from '../functions/store/schema.ts';
import { openDocumentReader } from './pipeline.ts';
import { buildReportData, type ReportExtras } from './report-data.ts';
import { renderReportHtml } from './report-page.ts';
import { progressCounter, type ProgressStream } from './progress.ts';
import { withStoreTarget, type StoreTargetOptions } from './store-target.ts';

export interface ReportTarget {
  dynamo: DynamoDBClient;
  tableName: string;
}

export async function renderTableReport(target: ReportTarget, extras: ReportExtras): Promise<{ html: string; documents: number; clusters: number }> {
  const data = await buildReportData(openDocumentReader(target), extras);
  return { html: renderReportHtml(data), documents: data.docs.length, clusters: data.clusters.length };
}

/** Written to a temporary name and renamed: a failed report leaves no file, and a reader never sees half a file. */
export function writeWhole(path: string, text: string): void {
  const partial = `${path}.partial-${process.pid}`;
  try {
    writeFileSync(partial, text);
    renameSync(partial, path);
  } finally {
    rmSync(partial, { force: true });
  }
}

export interface ReportCommandOptions extends StoreTargetOptions {
  out: string;
}

export async function reportCommand(options: ReportCommandOptions, write: (line: string) => void, progressStream: ProgressStream = process.stderr): Promise<number> {
  const tableName = options.tableName ?? DEFAULT_TABLE_NAME;
  return withStoreTarget(options, async (dynamo) => {
    const source = `table ${tableName}${options.endpointUrl ? ` at ${options.endpointUrl}` : options.region ? ` in ${options.region}` : ''}`;
    const progress = progressCounter('report', { unit: 'documents', stream: progressStream });
    const report = await renderTableReport({ dynamo, tableName }, { source, onRead: (count) => progress.add(count) });
    progress.finish();
    writeWhole(options.out, report.html);
    write(`report: ${report.documents} documents, ${report.clusters} clusters -> ${options.out} (${Math.round(Buffer.byteLength(report.html) / 1024)} KB)`);
    return 0;
  });
}
