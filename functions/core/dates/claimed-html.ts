import type { ClaimedDate, ClaimedDateSource, PartialDate } from '../types.ts';
import { findDateInText, parseDateValue, readUtcTime, type ParseOptions, type UtcTime } from './parse-date-text.ts';

/**
 * Claimed-date candidates read from an HTML document's markup, following htmldate's order of trust:
 * publication meta tags, JSON-LD, <time>/<abbr> markup, then elements whose class or id says "date".
 * Modification dates are collected apart: they are only a fallback (htmldate's original_date=True).
 */

export interface Candidate {
  date: PartialDate;
  source: ClaimedDateSource;
  evidence: string;
  /** Set when the value was a UTC timestamp: its time, to tell whether the publisher's local day may differ. */
  utc?: UtcTime;
  /** 'low': a UTC day whose local day the page does not tell (see ClaimedDate.confidence). */
  confidence?: 'low';
  /** A meta name that does not say which date it is (GENERIC_DATE_META): CMSs fill it with the last save as often as the publication. */
  genericMeta?: true;
}

/** A candidate from a machine-written value (meta content, JSON-LD, datetime attribute), or null when unreadable. */
function valueCandidate(raw: string, source: ClaimedDateSource, evidence: string, options: ParseOptions): Candidate | null {
  const date = parseDateValue(raw, options);
  if (!date) return null;
  const utc = readUtcTime(raw);
  return utc ? { date, source, evidence, utc } : { date, source, evidence };
}

export interface HtmlCandidates {
  published: Candidate[];
  modified: Candidate[];
}

/** Meta names (name/property/itemprop/http-equiv, lower case) that state when a page was first published. */
const PUBLISHED_META = new Set([
  'article:published_time', 'og:published_time', 'og:article:published_time', 'article:published', 'article.published',
  'article.created', 'article_date_original', 'datepublished', 'datecreated', 'citation_publication_date', 'citation_date',
  'citation_online_date', 'dc.date.issued', 'dcterms.issued', 'dc.date.created', 'dcterms.created', 'dc.created',
  'dc.date.publication', 'parsely-pub-date', 'sailthru.date', 'pubdate', 'publishdate', 'publish-date', 'publish_date',
  'published_time', 'published-date', 'published_date', 'publication_date', 'publication-date', 'date_published',
  'date_created', 'originalpublicationdate', 'rnews:datepublished', 'shareaholic:article_published_time', 'bt:pubdate',
  'cxenseparse:recs:publishtime', 'twt-published-at', 'vr:published_time', 'displaydate', 'dateposted', 'doc_date',
  'content_create_date', 'release_date', 'video:release_date', 'rbpubdate', 'created', 'dc.date', 'dcterms.date',
  'dc:date', 'dc:created', 'date', 'og:pubdate', 'pub_date', 'article_date', 'nitf.pubdate', 'coverage:date',
]);
/** Publication meta names that do not say which date they hold: a visible dateline of another day wins over them (see claimed.ts). */
const GENERIC_DATE_META = new Set(['date', 'dc.date', 'dcterms.date', 'dc:date']);
const MODIFIED_META = new Set([
  'article:modified_time', 'og:updated_time', 'og:modified_time', 'datemodified', 'dc.date.modified', 'dcterms.modified',
  'dc.modified', 'last-modified', 'lastmodified', 'modified_time', 'date_modified', 'revised', 'updated_time', 'lastmod',
]);

/** Class or id fragments of elements that hold a visible date or byline (htmldate's DATE_EXPRESSIONS, abridged). */
const DATE_CONTAINER = /date|datum|fecha|data-pub|time|publish|posted|byline|dateline|post-?meta|entry-?meta|article-?meta|subline|submitted|meta-info|^meta$|^info$/i;
/** ...but not these: updates, comments and lists of other articles carry other dates. */
const NOT_THE_ARTICLE = /modif|update|comment|related|teaser|sidebar|widget|footer|copyright|archive|calendar|event|recent|popular|timeline|runtime|timer|current/i;

/** Page parts whose dates belong to other content (htmldate's discard_unwanted): sidebars, comments, embeds, menus, the reader's current date. */
const OUTSIDE_TAGS = new Set(['nav', 'blockquote']);
const OUTSIDE_CLASS_TOKEN = /^(?:aside|comments?|related|navbar|menu|current[-_]?(?:time|date))(?:[-_]|$)/i;
/**
 * ...and lists of other articles, named so at the end of a class or id ("widget_recent_entries", "related-posts",
 * "most-read"); not wrappers that merely mention them. "sidebar" is not among them: pages name their main column so.
 */
const OTHER_ARTICLES_TOKEN = /(?:^|[-_])(?:recent(?:[-_]?(?:posts|entries|articles|news))?|popular(?:[-_]?posts)?|most-?read|related(?:[-_]?(?:posts|articles|stories|news|content|items?))?|more-?stories)$/i;
/** Widgets that show the reader's current date ("Aktuelle Zeit: ...", "Today's Paper"), not the page's. */
const CURRENT_DATE_WIDGET = /aktuelle(?:s)? (?:zeit|datum)|current (?:time|date)|heute ist|today is|today['’]s/i;

/** True when a token of the element's class or id names a sidebar, comment thread, menu or list of other articles. */
function hasOutsideToken(el: Element): boolean {
  const tokens = `${attr(el, 'class')} ${attr(el, 'id')}`.split(/\s+/);
  return tokens.some((token) => OUTSIDE_CLASS_TOKEN.test(token) || OTHER_ARTICLES_TOKEN.test(token));
}

/** True when the element itself is a sidebar, comment thread, embedded post, menu or list of other articles. */
function marksOutside(node: Element): boolean {
  return OUTSIDE_TAGS.has(node.tagName.toLowerCase()) || hasOutsideToken(node);
}

/** Per element: is it, or an ancestor below <body>, outside the article. Shared ancestors are judged once per document. */
const outsideCache = new WeakMap<Element, boolean>();

/** True when an ancestor (below <body>) is a sidebar, comment thread, embedded post or menu. */
function isOutsideTheArticle(el: Element): boolean {
  // Climb to the first ancestor already judged (or <body>), then judge the path down from there.
  const path: Element[] = [];
  let known = false;
  for (let node = el.parentElement; node && !/^(body|html)$/i.test(node.tagName); node = node.parentElement) {
    const cached = outsideCache.get(node);
    if (cached !== undefined) {
      known = cached;
      break;
    }
    path.push(node);
  }
  for (let i = path.length - 1; i >= 0; i -= 1) {
    const node = path[i] as Element;
    known = known || marksOutside(node);
    outsideCache.set(node, known);
  }
  return known;
}

/** Elements whose text is never the page's own: code, styles, menus. (<aside> often holds the article's own date.) */
const SKIPPED_TAGS = new Set(['script', 'style', 'noscript', 'template', 'svg', 'nav', 'select']);
const BLOCK_TAGS = /^(?:p|div|br|li|h\d|tr|td|th|dt|dd|article|section|header|footer|main|ul|ol|table|figcaption)$/i;

function isSkipped(el: Element): boolean {
  return SKIPPED_TAGS.has(el.tagName.toLowerCase()) || hasOutsideToken(el);
}

/**
 * The page's visible text without sidebars, menus, teaser lists, comment threads and embedded posts (the parts
 * isOutsideTheArticle names), block elements on lines of their own: where a dateline is searched when the markup
 * states no date, after the <title>. Their dates belong to other articles ("Les dernières actualités ... 09/09/2019"). The walk is
 * iterative: a page may nest elements thousands deep.
 */
export function ownVisibleText(document: Document): string {
  const root = document.body ?? document.documentElement;
  if (!root) return '';
  // The <title> first: "23.01.2022 - Wierer wins" is the page's own.
  const parts: string[] = [document.querySelector('title')?.textContent ?? '', '\n'];
  let node: Node | null = root.firstChild;
  while (node !== null && node !== root) {
    let enter = false;
    if (node.nodeType === 3) parts.push(node.nodeValue ?? '');
    else if (node.nodeType === 1 && !isSkipped(node as Element)) {
      if (BLOCK_TAGS.test((node as Element).tagName)) parts.push('\n');
      enter = node.firstChild !== null;
    }
    if (enter) {
      node = node.firstChild;
      continue;
    }
    // Leave finished elements, closing their lines, until one has a next sibling.
    while (node !== null && node !== root && node.nextSibling === null) {
      node = node.parentNode;
      if (node !== null && node !== root && node.nodeType === 1 && BLOCK_TAGS.test((node as Element).tagName)) parts.push('\n');
    }
    if (node === null || node === root) break;
    if (node.nodeType === 1 && BLOCK_TAGS.test((node as Element).tagName) && !isSkipped(node as Element)) parts.push('\n');
    node = node.nextSibling;
  }
  return parts.join('').replace(/[ \t\u00a0]+/g, ' ');
}

function attr(el: Element, name: string): string {
  return el.getAttribute(name)?.trim() ?? '';
}

function snippet(text: string, max = 120): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max)}…` : flat;
}

function metaCandidates(document: Document, options: ParseOptions, out: HtmlCandidates): void {
  const published: { rank: number; candidate: Candidate }[] = [];
  const publishedOrder = [...PUBLISHED_META];
  for (const meta of document.querySelectorAll('meta')) {
    const key = (attr(meta, 'property') || attr(meta, 'name') || attr(meta, 'itemprop') || attr(meta, 'http-equiv')).toLowerCase();
    const content = attr(meta, 'content') || attr(meta, 'datetime');
    if (!key || !content) continue;
    const isPublished = PUBLISHED_META.has(key);
    if (!isPublished && !MODIFIED_META.has(key)) continue;
    const candidate = valueCandidate(content, 'meta', snippet(`<meta ${key}="${content}">`), options);
    if (!candidate) continue;
    if (isPublished && GENERIC_DATE_META.has(key)) candidate.genericMeta = true;
    if (isPublished) published.push({ rank: publishedOrder.indexOf(key), candidate });
    else out.modified.push(candidate);
  }
  // Specific names (article:published_time) before generic ones (date), document order within a name.
  published.sort((a, b) => a.rank - b.rank);
  out.published.push(...published.map((p) => p.candidate));
}

/** Every `datePublished`/`dateCreated` (and `dateModified`) in JSON-LD blocks, @graph arrays included. */
function jsonLdCandidates(document: Document, options: ParseOptions, out: HtmlCandidates): void {
  for (const script of document.querySelectorAll('script[type="application/ld+json"]')) {
    const source = script.textContent ?? '';
    let data: unknown;
    try {
      data = JSON.parse(source);
    } catch {
      // Broken JSON-LD is common (trailing commas, HTML entities): fall back to reading the keys directly.
      for (const m of source.matchAll(/"(datePublished|dateCreated|dateModified)"\s*:\s*"([^"]+)"/g)) {
        addJsonLdDate(m[1] ?? '', m[2] ?? '', options, out);
      }
      continue;
    }
    walkJsonLd(data, options, out, 0);
  }
}

function walkJsonLd(node: unknown, options: ParseOptions, out: HtmlCandidates, depth: number): void {
  if (depth > 8 || node === null || typeof node !== 'object') return;
  if (Array.isArray(node)) {
    for (const item of node) walkJsonLd(item, options, out, depth + 1);
    return;
  }
  const record = node as Record<string, unknown>;
  for (const key of ['datePublished', 'dateCreated', 'dateModified']) {
    const value = record[key];
    if (typeof value === 'string') addJsonLdDate(key, value, options, out);
  }
  for (const [key, value] of Object.entries(record)) {
    // Dates of comments, reviews or other works mentioned by the page are not the page's date.
    if (/^(comment|review|subjectOf|citation|isPartOf|mentions|about)$/i.test(key)) continue;
    if (typeof value === 'object') walkJsonLd(value, options, out, depth + 1);
  }
}

function addJsonLdDate(key: string, value: string, options: ParseOptions, out: HtmlCandidates): void {
  const candidate = valueCandidate(value, 'json-ld', snippet(`"${key}": "${value}"`), options);
  if (!candidate) return;
  (key === 'dateModified' ? out.modified : out.published).push(candidate);
}

/** <time datetime>, <abbr title> and itemprop=datePublished elements; pubdate/"published" markup first. */
function timeCandidates(document: Document, options: ParseOptions, out: HtmlCandidates): void {
  const marked: Candidate[] = [];
  const plain: Candidate[] = [];
  for (const el of document.querySelectorAll('time, abbr, [itemprop="datePublished"], [itemprop="dateCreated"], [itemprop="dateModified"]')) {
    if (el.tagName.toLowerCase() === 'meta') continue;
    const label = `${attr(el, 'class')} ${attr(el, 'id')} ${attr(el, 'itemprop')}`.toLowerCase();
    const isAbbr = el.tagName.toLowerCase() === 'abbr';
    if (isAbbr && !/publish|date|time/.test(label)) continue;
    const raw = attr(el, 'datetime') || attr(el, 'content') || (isAbbr ? attr(el, 'title') || attr(el, 'data-utime') : '') || (el.textContent ?? '');
    if (!raw || raw.length > 200 || isOutsideTheArticle(el)) continue;
    const candidate = statedPublication(el, raw, options) ?? valueCandidate(raw, 'time-element', snippet(`<${el.tagName.toLowerCase()}${label.trim() ? ` ${label.trim()}` : ''}> ${raw}`), options);
    if (!candidate) continue;
    if (/modif|updat|chang/.test(label)) out.modified.push(candidate);
    else if (el.hasAttribute('pubdate') || /publish|pub-?(?:date|time)|entry-date|post-date|datecreated|created/.test(label)) marked.push(candidate);
    else plain.push(candidate);
  }
  // Unmarked <time> elements also date comments and teasers; like htmldate's original_date, take the earliest.
  plain.sort((a, b) => a.date.value.localeCompare(b.date.value));
  out.published.push(...marked, ...plain);
}

/** Words that say the date after them is the publication ("Publié le", "Published", "Veröffentlicht am"). */
const PUBLICATION_WORDS = /(?<![\p{L}])(?:published|posted|publi[ée]e?|pubblicato|publicado|veröffentlicht|erschienen)(?![\p{L}])[^\d]{0,12}$/iu;

/**
 * The day a <time> element's own text states as its publication ("Publié le 29 juin 2019") when its machine value
 * says another day: CMSs fill `datetime` with the last save, while the text is what the publisher wrote.
 */
function statedPublication(el: Element, raw: string, options: ParseOptions): Candidate | null {
  const text = attr(el, 'datetime') ? textUpTo(el, 200) : null;
  const match = text ? findDateInText(text, options) : null;
  if (!text || !match || match.date.precision !== 'day' || !PUBLICATION_WORDS.test(text.slice(0, match.index))) return null;
  if (parseDateValue(raw, options)?.value === match.date.value) return null;
  return { date: match.date, source: 'time-element', evidence: snippet(`<time datetime="${raw}"> ${text}`) };
}

/** Longest text a date, byline or post-metadata element may have; longer ones are article text, not a dateline. */
const MAX_DATE_CONTAINER_CHARS = 300;

/** Most nodes a dateline element may hold; a bigger subtree is a section of the page, not a date or byline. */
const MAX_DATE_CONTAINER_NODES = 200;

/**
 * The element's text, or null once it passes `limit` characters or MAX_DATE_CONTAINER_NODES nodes. Unlike
 * textContent (and linkedom's childNodes, which walk the whole subtree) this stops early, so a tower of nested
 * class="date" wrappers costs a bounded walk per element instead of its whole subtree.
 */
function textUpTo(element: Element, limit: number): string | null {
  let text = '';
  let visited = 0;
  let node: Node | null = element.firstChild;
  while (node !== null && node !== element) {
    if (++visited > MAX_DATE_CONTAINER_NODES) return null;
    if (node.nodeType === 3) {
      text += node.nodeValue ?? '';
      if (text.length > limit) return null;
    }
    if (node.firstChild) {
      node = node.firstChild;
      continue;
    }
    while (node !== null && node !== element && node.nextSibling === null) node = node.parentNode;
    if (node === null || node === element) break;
    node = node.nextSibling;
  }
  return text;
}

/** Short visible texts of elements whose class/id names a date, byline or post metadata, in document order. */
function dateContainerCandidates(document: Document, options: ParseOptions, out: HtmlCandidates): void {
  const body = document.body ?? document.documentElement;
  if (!body) return;
  for (const el of body.querySelectorAll('[class], [id]')) {
    const label = `${attr(el, 'class')} ${attr(el, 'id')}`;
    if (!DATE_CONTAINER.test(label) || NOT_THE_ARTICLE.test(label)) continue;
    const text = textUpTo(el, MAX_DATE_CONTAINER_CHARS);
    if (text === null || CURRENT_DATE_WIDGET.test(text) || isOutsideTheArticle(el)) continue;
    const match = findDateInText(text, options);
    // Month-only texts in bylines are mostly "Joined March 2007" or "Dezember 2021" in a sentence.
    if (!match || match.date.precision !== 'day') continue;
    out.published.push({ date: match.date, source: 'header', evidence: snippet(text) });
  }
}

export function findHtmlCandidates(document: Document, options: ParseOptions): HtmlCandidates {
  const out: HtmlCandidates = { published: [], modified: [] };
  metaCandidates(document, options, out);
  jsonLdCandidates(document, options, out);
  timeCandidates(document, options, out);
  dateContainerCandidates(document, options, out);
  return out;
}

export type { ClaimedDate };

/** Publication keys in inline scripts and data attributes ("published_at": "...", dc:date="..."), as htmldate's page search. */
const SCRIPT_DATE_KEY =
  /["']?(published_?at|publish_?date|publication_?date|date_?published|first_?published(?:_at)?|pub_?date|created_?at|dc:date)["']?\s*[:=]\s*["']([^"'<>]{8,40})["']/gi;

export function scriptKeyCandidate(html: string, options: ParseOptions, isPlausible: (c: Candidate) => boolean): Candidate | null {
  for (const m of html.matchAll(SCRIPT_DATE_KEY)) {
    const candidate = valueCandidate(m[2] ?? '', 'meta', snippet(m[0]), options);
    if (candidate?.date.precision === 'day' && isPlausible(candidate)) return candidate;
  }
  return null;
}
