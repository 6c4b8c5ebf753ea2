export async function benchColdStart(): Promise<void> {}
