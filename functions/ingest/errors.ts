/** Errors of the ingest itself (S3 and DynamoDB failures are wrapped here; the store has its own, store/errors.ts). */
export class IngestError extends Error {
  override name = 'IngestError';
}

/** Reading an object from S3 failed (network, throttling, permissions): transient as far as the ingest can tell, so retried. */
export class ObjectReadFailed extends IngestError {
  override name = 'ObjectReadFailed';
}

/**
 * The invocation's remaining time fell under the safety margin before this work could start: nothing of it was done
 * (or its progress was checkpointed), and its message comes back for another invocation.
 */
export class OutOfTime extends IngestError {
  override name = 'OutOfTime';
}

/**
 * A reindex of a WARC or JSONL object's records stopped for time. `progressed`: it recomputed records before stopping,
 * so a continuation (the object's event again, on the ingest queue) goes on; without progress the message fails.
 */
export class ReindexPaused extends OutOfTime {
  override name = 'ReindexPaused';
  constructor(
    message: string,
    readonly progressed: boolean,
  ) {
    super(message);
  }
}

/** A work item on the ingest queue that is not one (a poison message: it can never succeed). */
export class MalformedWorkItem extends IngestError {
  override name = 'MalformedWorkItem';
}
