/**
 * An in-process stand-in for SQS + the Lambda event source mapping: messages wait in a queue, are handed to the
 * handler in batches, and records the handler reports in batchItemFailures (or all of a batch whose handler threw)
 * come back after a backoff, until maxReceiveCount, then go to a dead-letter list with the last error.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { LOCAL_DEFAULTS } from './servers.ts';

export type BatchHandler = (event: SQSEvent) => Promise<SQSBatchResponse | void>;

export interface QueueOptions {
  /** Records per handler invocation (the event source mapping's BatchSize). */
  batchSize?: number;
  /** Handler invocations running at once (MaximumConcurrency). */
  concurrency?: number;
  /** Receives before a message goes to the dead-letter list (the redrive policy's maxReceiveCount). */
  maxReceiveCount?: number;
  /** First retry delay; doubles on each further receive. Ignored when visibilityTimeoutMs is set. */
  retryBackoffMs?: number;
  /**
   * As SQS: a received message that is not deleted (failed, or its invocation was killed) becomes visible again this
   * long after it was received. Unset: the retry backoff above, counted from the failure.
   */
  visibilityTimeoutMs?: number;
  /** How long the first message waits for others to fill a batch (MaximumBatchingWindowInSeconds, scaled down). */
  batchWindowMs?: number;
  queueName?: string;
}

export interface DeadLetter {
  messageId: string;
  body: string;
  receiveCount: number;
  lastError: string;
}

interface QueuedMessage {
  messageId: string;
  body: string;
  sentAt: number;
  firstReceivedAt: number | null;
  receiveCount: number;
  visibleAt: number;
}

export class LocalQueue {
  readonly deadLetters: DeadLetter[] = [];
  private readonly waiting: QueuedMessage[] = [];
  private inFlight = 0;
  private inFlightMessages = 0;
  private timer: NodeJS.Timeout | null = null;
  private timerDueAt = 0;
  private idleWaiters: (() => void)[] = [];
  private readonly options: Required<Omit<QueueOptions, 'visibilityTimeoutMs'>> & Pick<QueueOptions, 'visibilityTimeoutMs'>;

  constructor(
    private readonly handler: BatchHandler,
    options: QueueOptions = {},
  ) {
    this.options = { batchSize: 10, concurrency: 2, maxReceiveCount: 3, retryBackoffMs: 100, batchWindowMs: 20, queueName: 'raw-pages-events', ...options };
  }

  send(body: string): string {
    const now = Date.now();
    const messageId = randomUUID();
    this.waiting.push({ messageId, body, sentAt: now, firstReceivedAt: null, receiveCount: 0, visibleAt: now + this.options.batchWindowMs });
    this.schedule(this.options.batchWindowMs);
    return messageId;
  }

  /** Messages not yet done: queued, waiting for a retry, or being handled (what a report shows as in progress). */
  get pending(): number {
    return this.waiting.length + this.inFlightMessages;
  }

  get idle(): boolean {
    return this.waiting.length === 0 && this.inFlight === 0;
  }

  /** Resolves once nothing is queued, waiting for a retry, or being handled. */
  whenIdle(): Promise<void> {
    if (this.idle) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  close(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private schedule(delayMs: number): void {
    const dueAt = Date.now() + Math.max(0, delayMs);
    // A pump already due sooner serves this too; one due later (a retry backoff) is brought forward.
    if (this.timer && this.timerDueAt <= dueAt) return;
    if (this.timer) clearTimeout(this.timer);
    this.timerDueAt = dueAt;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.pump();
    }, Math.max(0, delayMs));
  }

  private pump(): void {
    while (this.inFlight < this.options.concurrency) {
      const now = Date.now();
      const batch = this.waiting.filter((message) => message.visibleAt <= now).slice(0, this.options.batchSize);
      if (batch.length === 0) break;
      for (const message of batch) this.waiting.splice(this.waiting.indexOf(message), 1);
      this.inFlight += 1;
      this.inFlightMessages += batch.length;
      void this.invoke(batch).finally(() => {
        this.inFlight -= 1;
        this.inFlightMessages -= batch.length;
        this.afterChange();
      });
    }
    this.afterChange();
  }

  private afterChange(): void {
    if (this.idle) {
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const resolve of waiters) resolve();
      return;
    }
    if (this.waiting.length > 0 && this.inFlight < this.options.concurrency) {
      const nextVisible = Math.min(...this.waiting.map((message) => message.visibleAt));
      this.schedule(nextVisible - Date.now());
    }
  }

  private async invoke(batch: QueuedMessage[]): Promise<void> {
    const now = Date.now();
    for (const message of batch) {
      message.receiveCount += 1;
      message.firstReceivedAt ??= now;
    }
    let failedIds: Set<string>;
    let lastError = 'reported in batchItemFailures by the handler';
    try {
      const response = await this.handler({ Records: batch.map((message) => this.toRecord(message)) });
      failedIds = new Set((response?.batchItemFailures ?? []).map((failure) => failure.itemIdentifier));
    } catch (error) {
      // A handler that throws fails the whole batch, as with Lambda.
      failedIds = new Set(batch.map((message) => message.messageId));
      lastError = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    }
    for (const message of batch) {
      if (!failedIds.has(message.messageId)) continue;
      if (message.receiveCount >= this.options.maxReceiveCount) {
        this.deadLetters.push({ messageId: message.messageId, body: message.body, receiveCount: message.receiveCount, lastError });
        continue;
      }
      const { visibilityTimeoutMs } = this.options;
      message.visibleAt = visibilityTimeoutMs !== undefined ? now + visibilityTimeoutMs : Date.now() + this.options.retryBackoffMs * 2 ** (message.receiveCount - 1);
      this.waiting.push(message);
    }
  }

  private toRecord(message: QueuedMessage): SQSRecord {
    const { region } = LOCAL_DEFAULTS;
    return {
      messageId: message.messageId,
      receiptHandle: `${message.messageId}#${message.receiveCount}`,
      body: message.body,
      attributes: {
        ApproximateReceiveCount: String(message.receiveCount),
        SentTimestamp: String(message.sentAt),
        SenderId: 'AIDAS3NOTIFICATIONS',
        ApproximateFirstReceiveTimestamp: String(message.firstReceivedAt ?? message.sentAt),
      },
      messageAttributes: {},
      md5OfBody: createHash('md5').update(message.body).digest('hex'),
      eventSource: 'aws:sqs',
      eventSourceARN: `arn:aws:sqs:${region}:000000000000:${this.options.queueName}`,
      awsRegion: region,
    };
  }
}
