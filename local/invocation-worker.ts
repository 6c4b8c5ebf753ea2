/**
 * One execution environment of the embedded stack's function (a worker thread started by local/invoker.ts): builds
 * the ingest once, like a Lambda's init, then answers invocations with a Lambda-like context. Outcomes, failures and
 * the messages the function sends to its queue are posted to the invoker.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { InvokeRequest, WorkerMessage } from './invoker.ts';
import { createIngest, type IngestInit } from './pipeline.ts';

const port = parentPort!;
const post = (message: WorkerMessage): void => port.postMessage(message);
const init = (workerData as { init: IngestInit }).init;

const ingest = createIngest({
  ...init,
  onOutcome: (docId, outcome, objectId) => post({ type: 'outcome', docId, outcome, objectId }),
  onFailure: (docId, message) => post({ type: 'failure', docId, message }),
  send: async (bodies) => post({ type: 'send', bodies }),
});

port.on('message', async (request: InvokeRequest) => {
  // The ingest reads only the remaining time of its context (InvocationContext).
  const context = { getRemainingTimeInMillis: () => Math.max(0, request.deadline - Date.now()) };
  try {
    post({ type: 'result', id: request.id, response: await ingest.processEvent(request.event, context) });
  } catch (error) {
    const { name, message } = error instanceof Error ? error : { name: 'Error', message: String(error) };
    post({ type: 'error', id: request.id, name, message });
  }
});
post({ type: 'ready' });
