/** Reading an S3 object's body, and its ETag as S3 gives it: shared by the single-page path (ingest.ts) and ranges (containers.ts). */
import type { GetObjectCommandOutput } from '@aws-sdk/client-s3';

export type ObjectBody = GetObjectCommandOutput['Body'];

/** The SDK's body (a Node Readable in Lambda and Node) as chunks; an absent body is an empty object. */
export async function* bodyChunks(body: ObjectBody): AsyncGenerator<Uint8Array> {
  if (!body) return;
  if (Symbol.asyncIterator in body) {
    for await (const chunk of body as AsyncIterable<Uint8Array>) yield chunk;
    return;
  }
  yield await body.transformToByteArray();
}

/** Stop downloading a body we will not read (superseded, stale, done with), so its socket is freed. */
export function discard(body: ObjectBody): void {
  (body as { destroy?: () => void } | undefined)?.destroy?.();
}

/** An ETag without the quotes S3 puts around it (events carry it bare, GetObject quoted). */
export function stripQuotes(eTag: string | undefined): string | undefined {
  return eTag?.replace(/^"|"$/g, '');
}

/** An ETag as an If-Match header wants it: quoted. */
export function quoted(eTag: string | undefined): string | undefined {
  return eTag ? `"${stripQuotes(eTag)}"` : undefined;
}
