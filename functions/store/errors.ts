/** Domain errors of the store: callers never see a raw ConditionalCheckFailedException. */

/** Base class: a DynamoDB operation of the store failed; `cause` holds the SDK error (throttling, 5xx, network). */
export class StoreError extends Error {
  override name = 'StoreError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** Cluster merging did not settle within the retry budget (heavy contention); the caller retries the event. */
export class ClusterContention extends StoreError {
  override name = 'ClusterContention';
}

/** A cluster has no root record and its original's document is not recorded: nothing describes the cluster. */
export class ClusterRootMissing extends StoreError {
  override name = 'ClusterRootMissing';
}

export function isConditionFailed(error: unknown): boolean {
  return error instanceof Error && error.name === 'ConditionalCheckFailedException';
}

/** Wrap an SDK failure with the operation it interrupted; domain errors pass through unchanged. */
export function toStoreError(operation: string, error: unknown): StoreError {
  if (error instanceof StoreError) return error;
  const detail = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return new StoreError(`DynamoDB ${operation} failed: ${detail}`, { cause: error });
}
