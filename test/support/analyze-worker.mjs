// Runs analyzePage in a worker thread, so a test can give it the heap the Lambda leaves (resourceLimits) and see it
// finish or run out of memory. workerData: { bytes: Uint8Array, hints, overrides }; posts { analysis } or { error }.
import { parentPort, workerData } from 'node:worker_threads';
import { tsImport } from 'tsx/esm/api';

const { analyzePage } = await tsImport('../../functions/core/analyze.ts', import.meta.url);
try {
  const analysis = analyzePage(workerData.bytes, workerData.hints, workerData.overrides);
  parentPort.postMessage({ analysis });
} catch (error) {
  parentPort.postMessage({ error: { name: error.name, code: error.code, message: error.message } });
}
