/** The embedded stack's Lambda (local/invoker.ts): killed at its timeout and memory, redelivered, then dead-lettered. */
import { describe, expect, it } from 'vitest';
import { FunctionInvoker } from '../../local/invoker.ts';
import { LocalQueue } from '../../local/queue.ts';

const entry = new URL('../support/misbehaving-worker.ts', import.meta.url);

describe('FunctionInvoker: invocations under the function timeout and memory', () => {
  it('kills an invocation past its timeout; the queue redelivers it after the visibility timeout, then dead-letters it', async () => {
    const invoker = new FunctionInvoker({ entry, init: {}, timeoutSeconds: 1, memoryMb: 128 });
    const queue = new LocalQueue((event) => invoker.invoke(event), { maxReceiveCount: 2, visibilityTimeoutMs: 200, batchWindowMs: 1 });
    try {
      queue.send('spin');
      await queue.whenIdle();
      expect(queue.deadLetters.map((dead) => [dead.body, dead.receiveCount, dead.lastError])).toEqual([['spin', 2, 'InvocationKilled: Task timed out after 1.00 seconds']]);
      expect(invoker.stats).toMatchObject({ invocations: 2, timeouts: 2, coldStarts: 2 });
      // A fresh environment afterwards answers normally.
      expect(await invoker.invoke({ Records: [{ body: 'ok' } as never] })).toEqual({ batchItemFailures: [] });
    } finally {
      queue.close();
      await invoker.close();
    }
  });

  it('kills an invocation past its memory, and keeps a warm environment between invocations', async () => {
    const invoker = new FunctionInvoker({ entry, init: {}, timeoutSeconds: 60, memoryMb: 64 });
    try {
      await expect(invoker.invoke({ Records: [{ body: 'hoard' } as never] })).rejects.toThrow(/out of memory \(64 MB\)/);
      for (let i = 0; i < 3; i++) await invoker.invoke({ Records: [{ body: 'ok' } as never] });
      expect(invoker.stats).toMatchObject({ invocations: 4, outOfMemory: 1, coldStarts: 2, timeouts: 0 });
    } finally {
      await invoker.close();
    }
  });
});
