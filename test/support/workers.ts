/**
 * Concurrent writers as the deployment runs them: `workers` at a time take the next task; a task whose event fails
 * with PendingNeighbour (a neighbour's document did not come in time: store clusters.ts settlePending) is taken again
 * later, as SQS redelivers a failed message. Any other error fails the run.
 */
import { PendingNeighbour } from '../../functions/store/index.ts';

/** Runs every task; returns how many times a task was taken again. */
export async function runConcurrently(tasks: readonly (() => Promise<unknown>)[], workers: number): Promise<number> {
  const queue = [...tasks];
  let retried = 0;
  await Promise.all(
    Array.from({ length: workers }, async () => {
      for (let task = queue.shift(); task; task = queue.shift()) {
        try {
          await task();
        } catch (error) {
          if (!(error instanceof PendingNeighbour)) throw error;
          retried++;
          queue.push(task);
        }
      }
    }),
  );
  return retried;
}
