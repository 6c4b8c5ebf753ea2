/**
 * A large archive as the store returns it (StoredDocument pages), generated from a seed: for the report's scale
 * test and the bytes-per-document figure, where filling dynalite with 100,000 ingested pages would take an hour.
 * Shapes follow real documents: clusters of 2-6 with an original, exact and near copies, month- and day-precise
 * claimed dates, content periods, about 3% mismatches with evidence, and a few rejections.
 */
import type { StoredDocument } from '../../functions/store/index.ts';
import type { ReportSource } from '../../local/report-data.ts';
import { seededRandom } from './random.ts';

const WORDS = ['harbour', 'ferry', 'council', 'budget', 'library', 'flood', 'election', 'garden', 'museum', 'bridge', 'school', 'storm', 'market', 'railway', 'festival', 'hospital'];

function day(random: () => number, fromYear: number, years: number): string {
  const date = new Date(Date.UTC(fromYear, 0, 1) + Math.floor(random() * years * 365) * 86_400_000);
  return date.toISOString().slice(0, 10);
}

export function syntheticDocuments(count: number, seed = 14): StoredDocument[] {
  const random = seededRandom(seed);
  const documents: StoredDocument[] = [];
  while (documents.length < count) {
    const size = random() < 0.7 ? 1 : 2 + Math.floor(random() * 5);
    const topic = `${WORDS[Math.floor(random() * WORDS.length)]} ${WORDS[Math.floor(random() * WORDS.length)]}`;
    const site = `site${Math.floor(random() * 500)}.example`;
    const covers = day(random, 2012, 12);
    const clusterId = `raw-pages/crawl/${site}/${documents.length}.html`;
    for (let member = 0; member < size && documents.length < count; member++) {
      const index = documents.length;
      const key = member === 0 ? clusterId.slice('raw-pages/'.length) : `crawl/mirror${Math.floor(random() * 900)}.example/${index}-${topic.replace(' ', '-')}.html`;
      if (random() < 0.01) {
        documents.push({ docId: `raw-pages/${key}`, bucket: 'raw-pages', key, status: 'rejected', reasonCode: 'binary', reason: 'input looks binary (control bytes)', firstSeen: '2026-11-01T00:00:00Z', updatedAt: '2026-11-01T00:00:00Z' });
        continue;
      }
      const mismatch = random() < 0.03;
      const claimed = mismatch ? `${Number(covers.slice(0, 4)) + 3}-${covers.slice(5, 7)}` : day(random, Number(covers.slice(0, 4)), 1);
      const exact = member > 0 && random() < 0.4;
      documents.push({
        docId: `raw-pages/${key}`,
        bucket: 'raw-pages',
        key,
        status: 'recorded',
        title: `The ${topic} story, part ${index % 97}`,
        url: `https://${site}/news/${topic.replace(' ', '/')}/${index}`,
        simhash: index.toString(16).padStart(16, '0'),
        contentHash: member === 0 || exact ? `hash-${clusterId}` : `hash-${index}`,
        claimedDate: { value: claimed, precision: claimed.length === 7 ? 'month' : 'day', source: mismatch ? 'header' : 'meta', evidence: mismatch ? `JUNE ${claimed.slice(0, 4)}` : undefined },
        contentDates: { earliest: { value: covers, precision: 'day' }, latest: { value: covers, precision: 'day' }, dominant: { value: covers.slice(0, 7), precision: 'month' }, mentions: 3, from: 'article' },
        dateMismatch: mismatch,
        dateGapDays: mismatch ? 1000 : null,
        dateEvidence: mismatch ? `claims ${claimed} (header) but the article covers ${covers.slice(0, 7)} (3 mentions): 1000 days later` : null,
        clusterId: size > 1 ? clusterId : `raw-pages/${key}`,
        isOriginal: member === 0,
        duplicateOf: member === 0 ? undefined : clusterId,
        distance: member === 0 ? 0 : exact ? 0 : 1 + Math.floor(random() * 9),
        similarity: member === 0 || exact ? 1 : 0.75 + random() * 0.2,
        rank: `${claimed}#2026-11-01T00:00:${String(member).padStart(2, '0')}Z#${key}`,
        firstSeen: '2026-11-01T00:00:00Z',
        updatedAt: '2026-11-01T00:00:00Z',
      });
    }
  }
  return documents;
}

/** The documents as the store's listing pages them (1 MB Scan pages hold about 400 such documents). */
export function syntheticSource(documents: StoredDocument[], pageSize = 400): ReportSource {
  async function* pages(recorded: boolean) {
    const selected = documents.filter((document) => (document.status === 'recorded') === recorded);
    for (let start = 0; start < selected.length; start += pageSize) yield selected.slice(start, start + pageSize);
  }
  return { recordedPages: () => pages(true), unrecordedPages: () => pages(false) };
}
