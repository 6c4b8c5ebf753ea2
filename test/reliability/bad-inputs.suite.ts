/**
 * Bad inputs: every object of the generated bad input corpus ends as a rejected document with its reason, or is
 * processed correctly; none fails the batch it shares with the others. The batch runs in a separate handler process
 * limited like the Lambda (--max-old-space-size = its memory), whose peak RSS must stay within that memory.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { S3EventRecord } from 'aws-lambda';
import { beforeAll, describe, expect, it } from 'vitest';
import { createStore, documentIdFor, recordDocumentId, type StoredDocument } from '../../functions/store/index.ts';
import { SECURE_DEFAULTS } from '../../infra/settings.ts';
import { badInputs, type BadInput, type BadInputExpectation } from '../support/bad-inputs.ts';
import { freshTable, type LocalServers } from '../support/local-servers.ts';
import { upload } from '../ingest/s3-events.ts';
import { auditTable, type Expectation } from './audit.ts';
import { addAudit, suiteFigures } from './figures.ts';
import type { HandlerProcessResult } from './handler-process.ts';

/** Inputs the pipeline currently mishandles: their tests are `it.fails` and print a KNOWN DEFECT line. */
const KNOWN_DEFECTS: Record<string, string> = {
};

const HANDLER_SCRIPT = fileURLToPath(new URL('./handler-process.ts', import.meta.url));

/** Run the handler over `records` in a child process whose V8 heap is capped at the Lambda's memory. */
export async function runHandlerProcess(servers: LocalServers, table: string, records: S3EventRecord[], memoryMb: number): Promise<HandlerProcessResult> {
  const folder = mkdtempSync(join(tmpdir(), 'reliability-'));
  const eventsFile = join(folder, 'events.json');
  writeFileSync(eventsFile, JSON.stringify(records));
  try {
    const child = spawn(process.execPath, [`--max-old-space-size=${memoryMb}`, '--import', 'tsx', HANDLER_SCRIPT], {
      env: { ...process.env, HANDLER_S3_ENDPOINT: servers.s3Endpoint, HANDLER_DYNAMO_ENDPOINT: servers.dynamoEndpoint, HANDLER_TABLE: table, HANDLER_EVENTS: eventsFile },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    const line = stdout.trim().split('\n').at(-1) ?? '';
    if (code !== 0 || !line.startsWith('{')) throw new Error(`handler process exited with ${code}: ${stderr.slice(-2000)}`);
    return JSON.parse(line) as HandlerProcessResult;
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

/** The documents an input must produce: its own, or one per record of a WARC / JSONL object. */
function expectedDocuments(input: BadInput): { docId: string; expect: BadInputExpectation }[] {
  if (input.records) return input.records.map((record) => ({ docId: recordDocumentId('raw-pages', input.key, record.recordId), expect: record.expect }));
  return [{ docId: documentIdFor('raw-pages', input.key), expect: input.expect }];
}

function expectationOf(docId: string, wanted: BadInputExpectation, doc: StoredDocument | null): Expectation {
  if (wanted.status === 'rejected') return { docId, status: 'rejected', reasonCode: wanted.reasonCode };
  if (wanted.status === 'recorded') return { docId, status: 'recorded', ...(wanted.group ? { group: wanted.group } : {}) };
  return { docId, status: doc?.status === 'recorded' ? 'recorded' : 'rejected' };
}

function checkDocument(name: string, wanted: BadInputExpectation, doc: StoredDocument | null | undefined, failure: string | undefined): void {
  const context = `${name}: document ${JSON.stringify(doc && { status: doc.status, reasonCode: doc.reasonCode, reason: doc.reason, title: doc.title?.slice(0, 200), truncated: doc.truncated })}, handler error: ${failure ?? 'none'}`;
  // No faults are injected here: any handler error means the input itself breaks the pipeline.
  expect(failure, context).toBeUndefined();
  expect(doc, context).not.toBeNull();
  if (wanted.status === 'rejected') {
    expect(doc, context).toMatchObject({ status: 'rejected', reasonCode: wanted.reasonCode });
    expect(doc?.reason?.length ?? 0, context).toBeGreaterThan(0);
  } else if (wanted.status === 'recorded') {
    expect(doc?.status, context).toBe('recorded');
    if (wanted.title) expect(doc?.title, context).toBe(wanted.title);
    // A value over its limit is cut, with its full size and SHA-256 kept (functions/store/limits.ts).
    for (const attribute of wanted.truncated ?? []) expect(doc?.truncated?.[attribute], context).toMatchObject({ bytes: expect.any(Number), sha256: expect.stringMatching(/^[0-9a-f]{64}$/) });
  } else {
    expect(['recorded', 'rejected'], context).toContain(doc?.status);
    if (doc?.status === 'rejected') expect(doc.reason?.length ?? 0, context).toBeGreaterThan(0);
  }
}

export function badInputSuite(getServers: () => LocalServers): void {
  describe('bad inputs: each is rejected with a reason or processed, none blocks the batch, memory within the Lambda size', () => {
    const inputs = badInputs();
    const documents = new Map<string, StoredDocument | null>();
    /** Records listed as skipped (no page), for the crawl files that say how many they hold. */
    const skipped = new Map<string, number>();
    let run: HandlerProcessResult;

    beforeAll(async () => {
      const servers = getServers();
      const table = await freshTable(servers, 'bad');
      const records: S3EventRecord[] = [];
      for (const input of inputs) records.push(await upload(servers.s3, input.key, await input.bytes(), { contentType: input.contentType }));
      run = await runHandlerProcess(servers, table, records, SECURE_DEFAULTS.memoryMb);
      const store = createStore({ client: servers.dynamo, tableName: table });
      for (const input of inputs) for (const { docId } of expectedDocuments(input)) documents.set(docId, await store.getDocument(docId));
      for (const input of inputs) if (input.skippedRecords) skipped.set(input.name, (await store.skippedRecordsOf('raw-pages', input.key)).length);

      const expectations = inputs.flatMap((input) => expectedDocuments(input).map(({ docId, expect }) => expectationOf(docId, expect, documents.get(docId) ?? null)));
      const known = new Set(inputs.filter((input) => KNOWN_DEFECTS[input.name]).flatMap((input) => expectedDocuments(input).map(({ docId }) => docId)));
      const audited = await auditTable(servers.dynamo, table, expectations, known);
      addAudit(suiteFigures, audited, { deadLetters: run.deadLetters.length });
      if (audited.problems.length > 0) console.log(`bad inputs audit problems:\n  ${audited.problems.join('\n  ')}`);
      suiteFigures.peakRssMb = Math.max(suiteFigures.peakRssMb, run.peakRssMb);
      console.log(
        `bad inputs: ${inputs.length} objects in ${Math.ceil(inputs.length / 10)} batches, ${run.seconds.toFixed(1)} s, peak RSS ${run.peakRssMb.toFixed(0)} MB ` +
          `(sampled ${run.sampledPeakRssMb.toFixed(0)} MB) of ${SECURE_DEFAULTS.memoryMb} MB, dead letters ${run.deadLetters.length}`,
      );
    }, 240_000);

    for (const input of inputs) {
      const defect = KNOWN_DEFECTS[input.name];
      const expected = input.expect.status === 'rejected' ? `rejected (${input.expect.reasonCode})` : input.expect.status;
      (defect ? it.fails : it)(`${input.name} -> ${input.records ? `${input.records.length} records ` : ''}${expected}`, () => {
        if (defect) console.log(`KNOWN DEFECT: bad input "${input.name}": ${defect}`);
        // The handler reports failures by the object's docId (a container's records fail with their object).
        const failure = run.failures[documentIdFor('raw-pages', input.key)];
        if (input.skippedRecords) {
          // A crawl file with no page record has no document to check: it must not fail, and its records are listed.
          expect(failure, input.name).toBeUndefined();
          expect(skipped.get(input.name), `${input.name}: records listed as skipped`).toBe(input.skippedRecords());
        }
        for (const { docId, expect: wanted } of expectedDocuments(input)) checkDocument(`${input.name} (${docId.slice(-40)})`, wanted, documents.get(docId), failure);
      });
    }

    it(`the handler process peaks within the Lambda's ${SECURE_DEFAULTS.memoryMb} MB`, () => {
      expect(run.peakRssMb).toBeGreaterThan(0);
      expect(run.peakRssMb).toBeLessThan(SECURE_DEFAULTS.memoryMb);
    });
  });
}
