/**
 * A function for local/invoker.ts that misbehaves on purpose: `spin` never returns (CPU-bound, so only a terminated
 * thread stops it), `hoard` keeps allocating until the heap limit, `ok` answers at once. The event's first message
 * body names the behaviour.
 */
import { parentPort } from 'node:worker_threads';
import type { InvokeRequest, WorkerMessage } from '../../local/invoker.ts';

const port = parentPort!;
const post = (message: WorkerMessage): void => port.postMessage(message);

port.on('message', (request: InvokeRequest) => {
  const behaviour = request.event.Records[0]?.body;
  if (behaviour === 'spin') for (;;);
  if (behaviour === 'hoard') {
    const kept: number[][] = [];
    for (;;) kept.push(new Array(1_000_000).fill(kept.length));
  }
  post({ type: 'result', id: request.id, response: { batchItemFailures: [] } });
});
post({ type: 'ready' });
