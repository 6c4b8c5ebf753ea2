export async function benchIndexScaling(_options: { quick?: boolean }): Promise<void> {}
