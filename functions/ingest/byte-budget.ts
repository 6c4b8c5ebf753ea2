/**
 * Concurrency bounded by bytes, not only by count (issue 12): the objects of one batch are processed concurrently
 * (Powertools' BatchProcessor starts every record at once, and the local stack runs several batches in one process),
 * and ten 15 MB pages held and analyzed at once reached 1 GB. Each task asks for the bytes it will hold (an object's
 * size, capped at what one page can hold); tasks start in arrival order while the bytes in flight stay within the
 * budget. A task larger than the whole budget runs alone, so nothing waits forever and nothing is refused here.
 *
 * The same budget counts slots, each task holding 1: the invocation's record slots (containers.ts TimeBudget).
 */

/**
 * Default bytes of objects in flight in one process: three pages at the 16 MiB input limit. Only one page is analyzed
 * at a time anyway (the core is synchronous); the others are held while downloaded or stored. A 15 MB page peaks at
 * about 280 MB RSS when analyzed (README, `npm run bench -- large-pages`), so this keeps a 1,024 MB function well clear.
 */
export const DEFAULT_IN_FLIGHT_BYTES = 48 * 1024 * 1024;

export interface ByteBudget {
  /** Run `task` once `bytes` fit in the budget; the bytes are given back when it settles (resolved or thrown). */
  run<T>(bytes: number, task: () => Promise<T>): Promise<T>;
  /** Wait until `bytes` fit, and hold them until the returned release is called (once; later calls do nothing). */
  acquire(bytes: number): Promise<() => void>;
  /** Bytes held by running tasks now. */
  readonly inFlight: number;
  /** Most bytes ever held at once, and most tasks ever running at once (what tests assert on). */
  readonly peakBytes: number;
  readonly peakTasks: number;
  /** Tasks that had to wait for bytes. */
  readonly waited: number;
}

export function createByteBudget(limitBytes: number): ByteBudget {
  if (!(limitBytes > 0)) throw new RangeError(`a byte budget must be positive, got ${limitBytes}`);
  let inFlight = 0;
  let running = 0;
  let peakBytes = 0;
  let peakTasks = 0;
  let waited = 0;
  const queue: { bytes: number; start: () => void }[] = [];

  const fits = (bytes: number): boolean => running === 0 || inFlight + bytes <= limitBytes;

  const acquire = (bytes: number): void => {
    inFlight += bytes;
    running++;
    peakBytes = Math.max(peakBytes, inFlight);
    peakTasks = Math.max(peakTasks, running);
  };

  const release = (bytes: number): void => {
    inFlight -= bytes;
    running--;
    // Strict arrival order: a large task at the head is not overtaken by small ones behind it (no starvation).
    while (queue.length > 0 && fits(queue[0]!.bytes)) {
      const next = queue.shift()!;
      acquire(next.bytes);
      next.start();
    }
  };

  const budget: ByteBudget = {
    async acquire(requested: number): Promise<() => void> {
      const bytes = Math.min(Math.max(0, requested), limitBytes);
      if (queue.length === 0 && fits(bytes)) acquire(bytes);
      else {
        waited++;
        await new Promise<void>((start) => queue.push({ bytes, start }));
      }
      let released = false;
      return () => {
        if (released) return;
        released = true;
        release(bytes);
      };
    },
    async run<T>(bytes: number, task: () => Promise<T>): Promise<T> {
      const releaseBytes = await budget.acquire(bytes);
      try {
        return await task();
      } finally {
        releaseBytes();
      }
    },
    get inFlight() {
      return inFlight;
    },
    get peakBytes() {
      return peakBytes;
    },
    get peakTasks() {
      return peakTasks;
    },
    get waited() {
      return waited;
    },
  };
  return budget;
}
