/** Slots for work running at once: `acquire` waits for a free one (in order) and gives back its release. */
export interface Slots {
  acquire(): Promise<() => void>;
}

export function createSlots(limit: number): Slots {
  let free = limit;
  const waiting: (() => void)[] = [];
  return {
    async acquire() {
      if (free > 0) free -= 1;
      else await new Promise<void>((resolve) => waiting.push(resolve)); // a releaser hands its slot over
      let released = false;
      return () => {
        if (released) return;
        released = true;
        const next = waiting.shift();
        if (next) next();
        else free += 1;
      };
    },
  };
}
