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
import { createStore, documentIdFor, recordDocumentId, type Store, type StoredDocument } from '../../functions/store/index.ts';
import { SECURE_DEFAULTS } from '../../infra/settings.ts';
import { badInputs, type BadInput } from '../support/bad-inputs.ts';
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

function expectationOf(input: BadInput, doc: StoredDocument | null): Expectation[] {
  const docId = documentIdFor('raw-pages', input.key);
  if (input.expect.status === 'rejected') return [{ docId, status: 'rejected', reasonCode: input.expect.reasonCode }];
  if (input.expect.status === 'recorded') return [{ docId, status: 'recorded' }];
  // A crawl file: each of its page records is an input of its own.
  if (input.expect.status === 'container') {
    return input.expect.records().map((record) => ({
      docId: recordDocumentId('raw-pages', input.key, record.recordId),
      status: record.status,
      ...(record.status === 'rejected' ? { reasonCode: record.reasonCode } : {}),
    }));
  }
  return [{ docId, status: doc?.status === 'recorded' ? 'recorded' : 'rejected' }];
}

/** What a crawl file became: each expected record's document, and the records listed as skipped. */
interface ContainerOutcome {
  records: { recordId: string; doc: StoredDocument | null }[];
  skipped: number;
}

async function containerOutcome(store: Store, input: BadInput): Promise<ContainerOutcome | undefined> {
  if (input.expect.status !== 'container') return undefined;
  const records = await Promise.all(
    input.expect.records().map(async (record) => ({ recordId: record.recordId, doc: await store.getDocument(recordDocumentId('raw-pages', input.key, record.recordId)) })),
  );
  return { records, skipped: (await store.skippedRecordsOf('raw-pages', input.key)).length };
}

export function badInputSuite(getServers: () => LocalServers): void {
  describe('bad inputs: each is rejected with a reason or processed, none blocks the batch, memory within the Lambda size', () => {
    const inputs = badInputs();
    const documents = new Map<string, StoredDocument | null>();
    const containers = new Map<string, ContainerOutcome | undefined>();
    let run: HandlerProcessResult;

    beforeAll(async () => {
      const servers = getServers();
      const table = await freshTable(servers, 'bad');
      const records: S3EventRecord[] = [];
      for (const input of inputs) records.push(await upload(servers.s3, input.key, await input.bytes(), { contentType: input.contentType }));
      run = await runHandlerProcess(servers, table, records, SECURE_DEFAULTS.memoryMb);
      const store = createStore({ client: servers.dynamo, tableName: table });
      for (const input of inputs) documents.set(input.name, await store.getDocument(documentIdFor('raw-pages', input.key)));
      for (const input of inputs) containers.set(input.name, await containerOutcome(store, input));

      const expectations = inputs.flatMap((input) => expectationOf(input, documents.get(input.name) ?? null));
      const known = new Set(inputs.filter((input) => KNOWN_DEFECTS[input.name]).flatMap((input) => expectationOf(input, null).map((expectation) => expectation.docId)));
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
      const expected = input.expect.status === 'rejected' ? `rejected (${input.expect.reasonCode})` : input.expect.status === 'container' ? 'each record as stated' : input.expect.status;
      (defect ? it.fails : it)(`${input.name} -> ${expected}`, () => {
        if (defect) console.log(`KNOWN DEFECT: bad input "${input.name}": ${defect}`);
        const doc = documents.get(input.name);
        const failure = run.failures[documentIdFor('raw-pages', input.key)];
        const context = `${input.name}: document ${JSON.stringify(doc && { status: doc.status, reasonCode: doc.reasonCode, reason: doc.reason, title: doc.title })}, handler error: ${failure ?? 'none'}`;
        // No faults are injected here: any handler error means the input itself breaks the pipeline.
        expect(failure, context).toBeUndefined();
        if (input.expect.status === 'container') {
          const outcome = containers.get(input.name)!;
          const expectedRecords = input.expect.records();
          const seen = outcome.records.map(({ recordId, doc: record }) => ({ recordId, status: record?.status, reasonCode: record?.reasonCode, title: record?.title }));
          expect(seen, input.name).toEqual(
            expectedRecords.map((record) => ({
              recordId: record.recordId,
              status: record.status,
              reasonCode: record.status === 'rejected' ? record.reasonCode : undefined,
              title: record.status === 'recorded' ? record.title : undefined,
            })),
          );
          for (const { doc: record } of outcome.records) if (record?.status === 'rejected') expect(record.reason, input.name).toMatch(/bytes \d+-\d+|gzip member/);
          expect(outcome.skipped, `${input.name}: records listed as skipped`).toBe(input.expect.skipped());
          return;
        }
        expect(doc, context).not.toBeNull();
        if (input.expect.status === 'rejected') {
          expect(doc, context).toMatchObject({ status: 'rejected', reasonCode: input.expect.reasonCode });
          expect(doc?.reason?.length ?? 0, context).toBeGreaterThan(0);
        } else if (input.expect.status === 'recorded') {
          expect(doc?.status, context).toBe('recorded');
          if (input.expect.title) expect(doc?.title, context).toBe(input.expect.title);
        } else {
          expect(['recorded', 'rejected'], context).toContain(doc?.status);
          if (doc?.status === 'rejected') expect(doc.reason?.length ?? 0, context).toBeGreaterThan(0);
        }
      });
    }

    it(`the handler process peaks within the Lambda's ${SECURE_DEFAULTS.memoryMb} MB`, () => {
      expect(run.peakRssMb).toBeGreaterThan(0);
      expect(run.peakRssMb).toBeLessThan(SECURE_DEFAULTS.memoryMb);
    });
  });
}
