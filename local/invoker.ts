/**
 * The embedded stack's Lambda: every invocation runs in a worker thread under the deployed function's limits
 * (functions/ingest/function-limits.ts). A worker is an execution environment: it is kept warm between invocations,
 * gets a Lambda-like context (getRemainingTimeInMillis), and is terminated when an invocation runs past its timeout or
 * its heap limit (resourceLimits), exactly like a killed Lambda: the writes it completed stay, the invocation fails,
 * and the queue redelivers its messages after the visibility timeout, then dead-letters them.
 */
import { Worker } from 'node:worker_threads';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { FUNCTION_DEFAULTS } from '../functions/ingest/function-limits.ts';

/** What a worker posts back to the invoker; see local/invocation-worker.ts. */
export type WorkerMessage =
  | { type: 'ready' }
  | { type: 'result'; id: number; response: SQSBatchResponse }
  | { type: 'error'; id: number; name: string; message: string }
  | { type: 'outcome'; docId: string; outcome: string; objectId: string }
  | { type: 'failure'; docId: string; message: string }
  | { type: 'send'; bodies: string[] };

export interface InvokeRequest {
  type: 'invoke';
  id: number;
  event: SQSEvent;
  /** Epoch ms when the invocation is killed: the worker's context.getRemainingTimeInMillis() counts down to it. */
  deadline: number;
}

export interface InvokerOptions<Init> {
  /** Module run in each worker (it must answer InvokeRequests; local/invocation-worker.ts is the ingest). */
  entry: URL;
  /** Handed to the entry as workerData.init (endpoints, table, config). */
  init: Init;
  timeoutSeconds?: number;
  memoryMb?: number;
  onOutcome?(docId: string, outcome: string, objectId: string): void;
  onFailure?(docId: string, message: string): void;
  /** Messages the function sends to its own queue (continuations, ranges of a big object). */
  onSend?(body: string): void;
}

/** A killed invocation, as Lambda reports it. */
export class InvocationKilled extends Error {
  override name = 'InvocationKilled';
}

export interface InvokerStats {
  invocations: number;
  coldStarts: number;
  timeouts: number;
  outOfMemory: number;
}

interface Environment {
  worker: Worker;
  ready: Promise<void>;
  pending: Map<number, { resolve(response: SQSBatchResponse): void; reject(error: Error): void }>;
}

const BOOT = new URL('./invocation-worker-boot.mjs', import.meta.url);

export class FunctionInvoker<Init> {
  readonly timeoutMs: number;
  readonly memoryMb: number;
  readonly stats: InvokerStats = { invocations: 0, coldStarts: 0, timeouts: 0, outOfMemory: 0 };
  private readonly idle: Environment[] = [];
  private readonly all = new Set<Environment>();
  private nextId = 1;

  constructor(private readonly options: InvokerOptions<Init>) {
    this.timeoutMs = (options.timeoutSeconds ?? FUNCTION_DEFAULTS.timeoutSeconds) * 1000;
    this.memoryMb = options.memoryMb ?? FUNCTION_DEFAULTS.memoryMb;
  }

  async invoke(event: SQSEvent): Promise<SQSBatchResponse> {
    const environment = this.idle.pop() ?? this.start();
    await environment.ready;
    this.stats.invocations += 1;
    const id = this.nextId++;
    const deadline = Date.now() + this.timeoutMs;
    const result = new Promise<SQSBatchResponse>((resolve, reject) => environment.pending.set(id, { resolve, reject }));
    const timer = setTimeout(() => {
      this.stats.timeouts += 1;
      this.kill(environment, new InvocationKilled(`Task timed out after ${(this.timeoutMs / 1000).toFixed(2)} seconds`));
    }, this.timeoutMs);
    environment.worker.postMessage({ type: 'invoke', id, event, deadline } satisfies InvokeRequest);
    try {
      const response = await result;
      this.idle.push(environment);
      return response;
    } finally {
      clearTimeout(timer);
    }
  }

  async close(): Promise<void> {
    await Promise.all([...this.all].map((environment) => environment.worker.terminate()));
    this.all.clear();
    this.idle.length = 0;
  }

  private start(): Environment {
    this.stats.coldStarts += 1;
    const worker = new Worker(BOOT, {
      workerData: { entry: this.options.entry.href, init: this.options.init },
      // The function's memory as the heap limit: past it V8 stops the worker, as Lambda stops a function out of memory.
      resourceLimits: { maxOldGenerationSizeMb: this.memoryMb },
      stdout: false,
      stderr: false,
    });
    const pending: Environment['pending'] = new Map();
    let markReady!: () => void;
    let failStart!: (error: Error) => void;
    const ready = new Promise<void>((resolve, reject) => {
      markReady = resolve;
      failStart = reject;
    });
    const environment: Environment = { worker, ready, pending };
    this.all.add(environment);
    worker.on('message', (message: WorkerMessage) => {
      switch (message.type) {
        case 'ready':
          return markReady();
        case 'result':
          pending.get(message.id)?.resolve(message.response);
          pending.delete(message.id);
          return;
        case 'error': {
          const error = new Error(message.message);
          error.name = message.name;
          pending.get(message.id)?.reject(error);
          pending.delete(message.id);
          return;
        }
        case 'outcome':
          return this.options.onOutcome?.(message.docId, message.outcome, message.objectId);
        case 'failure':
          return this.options.onFailure?.(message.docId, message.message);
        case 'send':
          for (const body of message.bodies) this.options.onSend?.(body);
      }
    });
    worker.on('error', (error: Error & { code?: string }) => {
      const outOfMemory = error.code === 'ERR_WORKER_OUT_OF_MEMORY';
      if (outOfMemory) this.stats.outOfMemory += 1;
      const reason = outOfMemory ? new InvocationKilled(`Runtime exited: out of memory (${this.memoryMb} MB)`) : error;
      failStart(reason);
      this.kill(environment, reason);
    });
    worker.on('exit', () => this.kill(environment, new InvocationKilled('Runtime exited')));
    return environment;
  }

  /** Fail what the environment was running and discard it: the next invocation gets a fresh one (a cold start). */
  private kill(environment: Environment, reason: Error): void {
    for (const { reject } of environment.pending.values()) reject(reason);
    environment.pending.clear();
    const index = this.idle.indexOf(environment);
    if (index >= 0) this.idle.splice(index, 1);
    if (this.all.delete(environment)) void environment.worker.terminate();
  }
}
