/** Timing two implementations against each other in the same run: the ratio, not the milliseconds, is the figure. */

/** Time (ms) of one pass over all inputs. */
export function timePass(run: () => void): number {
  const start = performance.now();
  run();
  return performance.now() - start;
}

/**
 * One untimed warm-up pass each (JIT, lazily built tables), then `rounds` timed passes of each, alternating which
 * goes first so neither always runs right after the other's garbage or a load spike's end.
 */
export function pairedRounds(ours: () => void, theirs: () => void, rounds: number): { ours: number[]; theirs: number[] } {
  ours();
  theirs();
  const times = { ours: [] as number[], theirs: [] as number[] };
  for (let round = 0; round < rounds; round++) {
    if (round % 2 === 0) {
      times.ours.push(timePass(ours));
      times.theirs.push(timePass(theirs));
    } else {
      times.theirs.push(timePass(theirs));
      times.ours.push(timePass(ours));
    }
  }
  return times;
}

/**
 * The baseline of the end-to-end benches: items per second of `analyze` alone, one after another in this process.
 * An item the core rejects counts too: its read and parse cost as much as a recorded one's.
 */
export function analyzedPerSecond<T>(items: readonly T[], analyze: (item: T) => void): number {
  const start = performance.now();
  for (const item of items) {
    try {
      analyze(item);
    } catch {
      // rejected: counted, as above
    }
  }
  return items.length / ((performance.now() - start) / 1000);
}
