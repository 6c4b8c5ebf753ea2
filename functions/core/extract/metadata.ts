/** Title and canonical URL from the document head, read before Readability rewrites the document. */

export interface PageMetadata {
  title: string | null;
  canonicalUrl: string | null;
}

export function readPageMetadata(document: Document, pageUrl: string | undefined): PageMetadata {
  const canonical =
    absoluteUrl(document.querySelector('link[rel~="canonical" i]')?.getAttribute('href'), pageUrl) ??
    absoluteUrl(metaContent(document, 'og:url'), pageUrl) ??
    absoluteUrl(pageUrl, undefined);
  const title =
    clean(metaContent(document, 'og:title')) ??
    clean(document.querySelector('title')?.textContent) ??
    clean(document.querySelector('h1')?.textContent);
  return { title, canonicalUrl: canonical };
}

function metaContent(document: Document, property: string): string | null {
  return (
    document.querySelector(`meta[property="${property}"]`)?.getAttribute('content') ??
    document.querySelector(`meta[name="${property}"]`)?.getAttribute('content') ??
    null
  );
}

/** An http(s) URL resolved against the page URL, or null for anything else (javascript:, garbage, relative without base). */
function absoluteUrl(href: string | null | undefined, base: string | undefined): string | null {
  const trimmed = href?.trim();
  if (!trimmed) return null;
  try {
    const url = new URL(trimmed, base);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : null;
  } catch {
    return null;
  }
}

function clean(text: string | null | undefined): string | null {
  const cleaned = text?.replace(/\s+/g, ' ').trim();
  return cleaned ? cleaned : null;
}
