// Placeholder: replaced by the ingest handler (issue 4). Exists so infra can name the entry by path.
export const handler = async (): Promise<{ batchItemFailures: { itemIdentifier: string }[] }> => ({ batchItemFailures: [] });
