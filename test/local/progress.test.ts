/** Progress on stderr: a redrawn bar with counts and rate on a terminal, plain periodic lines otherwise, never on stdout. */
import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it, vi } from 'vitest';
import { progressCounter } from '../../local/progress.ts';
import { LocalQueue } from '../../local/queue.ts';
import { SAMPLES_DIR } from '../../local/samples.ts';

function captureStream(isTTY: boolean) {
  return { isTTY, columns: 120, text: '', write(chunk: string) { this.text += chunk; return true; } };
}

describe('progressCounter (the helper for run, backfill, export, reindex)', () => {
  it('off a terminal: a plain line at most every 5 s, with the rate, and always the final count', () => {
    let now = 0;
    const stream = captureStream(false);
    const counter = progressCounter('reindex', { unit: 'documents', total: 100, stream, now: () => now });
    for (let step = 1; step <= 100; step++) {
      now += 200; // 5 per second
      counter.add();
    }
    counter.fail(0);
    counter.finish();
    expect(stream.text.split('\n').filter(Boolean)).toEqual([
      'reindex: 25/100 documents (25%), 5.0/s',
      'reindex: 50/100 documents (50%), 5.0/s',
      'reindex: 75/100 documents (75%), 5.0/s',
      'reindex: 100/100 documents (100%), 5.0/s',
      'reindex: 100/100 documents (100%)',
    ]);
  });

  it('on a terminal: one redrawn line (carriage returns, no newlines until the end), failures counted', () => {
    let now = 0;
    const stream = captureStream(true);
    const counter = progressCounter('export', { unit: 'documents', stream, now: () => now });
    for (let step = 1; step <= 30; step++) {
      now += 100;
      counter.add(10);
    }
    counter.fail();
    counter.finish();
    expect(stream.text.split('\n')).toHaveLength(2); // the final line ends the bar
    expect(stream.text).toContain('\r[');
    expect(stream.text).toContain('export: 300/300+ documents, 100/s');
    expect(stream.text.endsWith('export: 301/301 documents (100%), 1 failed\x1b[K\n')).toBe(true);
  });
});

describe('run', () => {
  it('--json: stdout is exactly one JSON document; the progress is on stderr', async () => {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [resolve(import.meta.dirname, '../../bin/archive-dedup.mjs'), 'run', SAMPLES_DIR, '--json']);
    const report = JSON.parse(stdout) as { documents: unknown[] };
    expect(report.documents.length).toBeGreaterThan(0);
    expect(stderr).toMatch(new RegExp(`run: ${report.documents.length}/${report.documents.length} files \\(100%\\)`));
  }, 60_000);
});

describe('objects in progress (what the live report shows)', () => {
  it('LocalQueue.pending counts messages queued and being handled, retries included, and ends at 0', async () => {
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    let attempts = 0;
    const queue = new LocalQueue(
      async (event) => {
        await gate;
        attempts += 1;
        // The first receive of 'retry' fails: it waits its backoff and still counts as pending.
        return { batchItemFailures: attempts === 1 ? event.Records.filter((record) => record.body === 'retry').map((record) => ({ itemIdentifier: record.messageId })) : [] };
      },
      { batchSize: 2, concurrency: 1, batchWindowMs: 0, retryBackoffMs: 20 },
    );
    for (const body of ['retry', 'b', 'c']) queue.send(body);
    expect(queue.pending).toBe(3);
    await vi.waitFor(() => expect(attempts).toBe(0)); // the first batch is in flight, held at the gate
    expect(queue.pending).toBe(3);
    release();
    await queue.whenIdle();
    queue.close();
    expect(queue.pending).toBe(0);
    expect(attempts).toBe(3);
  });
});
