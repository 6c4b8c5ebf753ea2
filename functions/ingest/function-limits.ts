/**
 * The deployed function's limits, defined once: the CDK stack (infra/settings.ts) deploys with these defaults, and the
 * embedded stack (local/invoker.ts) runs every invocation under the same ones, so a local run fails where AWS would.
 */
export const FUNCTION_DEFAULTS = {
  /** Lambda timeout: an invocation still running after it is killed (its completed writes stay). */
  timeoutSeconds: 60,
  /** Lambda memory size; locally the V8 heap limit of the invocation's worker thread. */
  memoryMb: 1024,
  /** Deliveries of one message before it goes to the dead-letter queue (the redrive policy). */
  maxReceiveCount: 5,
} as const;

/**
 * Remaining time under which an invocation starts no new record: it checkpoints and hands the rest back (unstarted
 * batch messages as batchItemFailures, an unfinished object range as a continuation). One record of the largest size
 * the core accepts takes a few seconds at most; a fraction of the timeout keeps short local timeouts usable.
 */
export function safetyMarginMs(timeoutMs: number): number {
  return Math.min(10_000, Math.max(500, Math.round(timeoutMs * 0.2)));
}
