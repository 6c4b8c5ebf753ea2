/** Why an input cannot be analyzed. Stable strings: they are stored as the rejection reason code in DynamoDB. */
export const REJECT_CODES = {
  empty: 'empty',
  tooLarge: 'too-large',
  binary: 'binary',
  truncatedGzip: 'truncated-gzip',
  /** A container (WARC) cut off mid-record. */
  truncated: 'truncated',
  gzipBomb: 'gzip-bomb',
  unknownEncoding: 'unknown-encoding',
  noText: 'no-text',
  unsupported: 'unsupported',
  /** Would exhaust the function's memory or time even on the cheap extraction path; the message names the measure. */
  tooComplex: 'too-complex',
  /** Bytes of a container (WARC, ARC) that are not a readable record: garbage, a wrong Content-Length, a corrupt gzip member. */
  damaged: 'damaged',
} as const;
export type RejectCode = (typeof REJECT_CODES)[keyof typeof REJECT_CODES];

/** Base class for errors raised by the pure core. */
export class CoreError extends Error {
  override name = 'CoreError';
}

/**
 * The input can never be analyzed, however often it is retried: the caller records it as rejected with this reason.
 * (Transient faults — S3, DynamoDB — are never InputRejected; they are retried and then dead-lettered.)
 */
export class InputRejected extends CoreError {
  override name = 'InputRejected';
  constructor(
    readonly code: RejectCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
