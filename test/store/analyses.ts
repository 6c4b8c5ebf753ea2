/** Hand-made PageAnalysis values for store tests: the simhash is chosen deliberately, the sketch comes from real text. */
import { fingerprintText } from '../../functions/core/fingerprint.ts';
import type { PageAnalysis, PartialDate } from '../../functions/core/types.ts';

export interface AnalysisSpec {
  text: string;
  /** Override the text's SimHash (16 hex) to place the page exactly in Hamming space. */
  simhash?: string;
  /** The bits a lookup probes (Fingerprint.weakBits); with `simhash` given, none unless set here (the text's would be meaningless). */
  weakBits?: number[];
  claimed?: string;
  /** Dominant content date, `YYYY[-MM[-DD]]`. */
  dominant?: string;
  dateMismatch?: boolean;
}

function partial(value: string): PartialDate {
  const precision = value.length === 4 ? 'year' : value.length === 7 ? 'month' : 'day';
  return { value, precision };
}

export function makeAnalysis(spec: AnalysisSpec): PageAnalysis {
  const fingerprint = fingerprintText(spec.text);
  return {
    kind: 'text',
    charset: 'utf-8',
    compressed: false,
    inputBytes: spec.text.length,
    title: spec.text.split(' ').slice(0, 4).join(' '),
    canonicalUrl: null,
    mainTextChars: spec.text.length,
    commentsCut: 0,
    boilerplateCut: 0,
    ...fingerprint,
    simhash: spec.simhash ?? fingerprint.simhash,
    weakBits: spec.simhash === undefined ? fingerprint.weakBits : (spec.weakBits ?? []),
    claimedDate: spec.claimed ? { ...partial(spec.claimed), source: 'header' } : null,
    contentDates: spec.dominant
      ? { earliest: partial(spec.dominant), latest: partial(spec.dominant), dominant: partial(spec.dominant), mentions: 1, from: 'article' }
      : { earliest: null, latest: null, dominant: null, mentions: 0, from: 'none' },
    dateMismatch: spec.dateMismatch ?? false,
    dateGapDays: spec.dateMismatch ? 1000 : null,
    dateEvidence: spec.dateMismatch ? `claims ${spec.claimed} but covers ${spec.dominant}` : null,
  };
}

/** Flip the given bit positions (0 = most significant) of a 16-hex-digit SimHash. */
export function flipBits(simhash: string, bits: number[]): string {
  let value = BigInt(`0x${simhash}`);
  for (const bit of bits) value ^= 1n << BigInt(63 - bit);
  return value.toString(16).padStart(16, '0');
}

/** Invented article text (never corpus content), long enough for a meaningful shingle sketch. */
export const ARTICLE_A =
  'The harbour council met on Tuesday evening to discuss the repair of the old stone pier, which was damaged by the winter storms. ' +
  'Engineers presented three options, ranging from a patch of the broken section to a complete rebuild with a new concrete deck. ' +
  'Fishermen asked that the work be done before the summer season, when the boats need the landing every morning. ' +
  'The council agreed to ask for detailed costs and to vote on the plan at its next meeting in the town hall.';

export const ARTICLE_B =
  'A small bakery on the corner of Mill Street has won the regional prize for its rye bread, baked in a wood oven built by the owner. ' +
  'The judges praised the crust and the slightly sour taste, which comes from a starter kept alive for more than twenty years. ' +
  'Customers now queue before sunrise, and the baker says she will hire two apprentices to keep up with the orders this autumn.';

/** A light edit of a text: a few words replaced. */
export function editWords(text: string, replacements: Record<string, string>): string {
  return Object.entries(replacements).reduce((edited, [from, to]) => edited.replace(from, to), text);
}
