/**
 * Synthetic reposts of an article body, for near-duplicate recall tests: the kinds of change a scraper sees when the
 * same article is republished (light edits, an added sentence, a cut ending, site furniture or comments around it).
 * Deterministic for a given seed. All added text is invented here; nothing is copied from the corpus.
 */

import { seededRandom } from './random.ts';

export const REPOST_KINDS = [
  'edit-1pct',
  'edit-2pct',
  'sentence-added',
  'last-paragraph-cut',
  'last-tenth-cut',
  'header-footer',
  'comments-appended',
] as const;
export type RepostKind = (typeof REPOST_KINDS)[number];

const SYLLABLES = ['ka', 'lo', 'mi', 'ren', 'to', 'vas', 'qui', 'dor', 'el', 'fan', 'gu', 'hin', 'sor', 'bel', 'tam', 'nix'];

/** An invented word of 2-4 syllables (never a real English word in practice). */
function inventedWord(random: () => number): string {
  const count = 2 + Math.floor(random() * 3);
  let word = '';
  for (let i = 0; i < count; i++) word += SYLLABLES[Math.floor(random() * SYLLABLES.length)];
  return word;
}

function inventedSentence(random: () => number, words: number): string {
  const parts = Array.from({ length: words }, () => inventedWord(random));
  const sentence = parts.join(' ');
  return sentence.charAt(0).toUpperCase() + sentence.slice(1) + '.';
}

/** Replaces, deletes or inserts a word at `share` of the word positions (at least one edit). */
function editWords(text: string, share: number, random: () => number): string {
  const tokens = text.split(/(\s+)/); // words at even indices, the whitespace between them at odd ones
  const wordCount = Math.ceil(tokens.length / 2);
  const edits = Math.max(1, Math.round(wordCount * share));
  for (let e = 0; e < edits; e++) {
    const index = 2 * Math.floor(random() * wordCount);
    const roll = random();
    if (roll < 0.6) tokens[index] = inventedWord(random);
    else if (roll < 0.8) tokens[index] = '';
    else tokens[index] = `${tokens[index]} ${inventedWord(random)}`;
  }
  return tokens.join('');
}

function paragraphsOf(text: string): string[] {
  return text.split(/\n\s*\n/).filter((paragraph) => paragraph.trim() !== '');
}

/** An invented site template: a header of navigation lines and a footer, shared by every page of that site. */
export function siteTemplate(seed: number): { header: string; footer: string } {
  const random = seededRandom(seed);
  const site = `${inventedWord(random)} ${inventedWord(random)}`;
  const menu = ['Home', 'News', 'World', 'Business', 'Sports', 'Opinion', 'Contact'].join(' | ');
  return {
    header: `${site.toUpperCase()}\n${menu}\nSubscribe to the ${site} newsletter`,
    footer: `Copyright ${2000 + Math.floor(random() * 25)} ${site}. All rights reserved.\nPrivacy Policy | Terms of Use | Cookie Settings\n${inventedSentence(random, 8)}`,
  };
}

function inventedComments(random: () => number): string {
  const comments: string[] = [];
  const count = 2 + Math.floor(random() * 2);
  for (let i = 0; i < count; i++) {
    const author = inventedWord(random);
    comments.push(`${author} says:\n${inventedSentence(random, 6 + Math.floor(random() * 10))}\nReply`);
  }
  return `${count} Comments\n\n${comments.join('\n\n')}`;
}

/** One repost of `text` of the given kind; the same (text, kind, seed) always gives the same repost. */
export function makeRepost(text: string, kind: RepostKind, seed = 1): string {
  const random = seededRandom(seed);
  switch (kind) {
    case 'edit-1pct':
      return editWords(text, 0.01, random);
    case 'edit-2pct':
      return editWords(text, 0.02, random);
    case 'sentence-added': {
      const paragraphs = paragraphsOf(text);
      const at = Math.floor(random() * (paragraphs.length + 1));
      paragraphs.splice(at, 0, inventedSentence(random, 10 + Math.floor(random() * 8)));
      return paragraphs.join('\n\n');
    }
    case 'last-paragraph-cut': {
      const paragraphs = paragraphsOf(text);
      return paragraphs.length > 1 ? paragraphs.slice(0, -1).join('\n\n') : text.slice(0, Math.floor(text.length * 0.9));
    }
    case 'last-tenth-cut': {
      const words = text.split(/\s+/);
      return words.slice(0, Math.ceil(words.length * 0.9)).join(' ');
    }
    case 'header-footer': {
      const template = siteTemplate(seed);
      return `${template.header}\n\n${text}\n\n${template.footer}`;
    }
    case 'comments-appended':
      return `${text}\n\n${inventedComments(random)}`;
  }
}

/** The same article wrapped in an invented site's header and footer (for "different articles, same template" pairs). */
export function wrapInTemplate(text: string, templateSeed: number): string {
  const template = siteTemplate(templateSeed);
  return `${template.header}\n\n${text}\n\n${template.footer}`;
}

/**
 * A page of an invented site whose template is heavy (navigation, a sidebar of teasers, an about box, a footer:
 * about 150 words shared by every page of the site) around `article`. With a short article the page is mostly
 * template: the case where containment alone calls two different pages of one site copies.
 */
export function inHeavyTemplate(article: string, templateSeed: number): string {
  const random = seededRandom(templateSeed);
  const template = siteTemplate(templateSeed);
  const teasers = Array.from({ length: 6 }, () => inventedSentence(random, 7 + Math.floor(random() * 5))).join('\n');
  const about = Array.from({ length: 3 }, () => inventedSentence(random, 12)).join(' ');
  return `${template.header}\n\n${article}\n\nRead more\n${teasers}\n\nAbout us\n${about}\n\n${template.footer}`;
}

/** The first `words` words of a text (a short page, a teaser). */
export function firstWords(text: string, words: number): string {
  return text.split(/\s+/).slice(0, words).join(' ');
}

/** Reader replies in everyday English, written here (no corpus text); `{topic}` is filled with a word of the article. */
export const REPLY_TEMPLATES: readonly string[] = [
  'I read this twice and I still do not understand why nobody mentions {topic}.',
  'Great article, thanks for posting it!',
  'Does anyone know where the figures about {topic} come from?',
  'This is exactly what I said last year and everybody laughed at me.',
  "You can't be serious. The {topic} part is pure speculation.",
  'Not sure I agree with you on {topic}, but it is an interesting read.',
  'Wow. Just wow!',
  'We had the same thing happen in our town and nobody cared.',
  'Why does the media never ask the obvious questions?',
  "I'm sharing this with my family, they need to see it.",
  'Sounds like the usual story to me, same as every other time.',
  'My grandfather used to talk about {topic} all the time, he would not be surprised.',
  'Who wrote this? The second half makes no sense at all?',
  "They'll never admit it, you watch.",
  'Finally someone says it!',
  'I think you are missing the bigger picture here, the {topic} question is only a small part of it.',
];

/** The longest words of a text (topics a reader would pick up). */
function topicsOf(text: string): string[] {
  const words = [...new Set(text.toLowerCase().match(/\p{L}{7,}/gu) ?? [])];
  return words.length > 0 ? words : ['this'];
}

/**
 * `count` reader replies as bare paragraphs: no name, no timestamp, no "Reply" (what the unmarked-comment
 * extraction must cut), from `templates` (default all: a cross-validation gives each fold its own half). Deterministic for a seed.
 */
export function bareReplies(article: string, count: number, seed: number, templates: readonly string[] = REPLY_TEMPLATES): string[] {
  const random = seededRandom(seed);
  const topics = topicsOf(article);
  return Array.from({ length: count }, () => {
    const template = templates[Math.floor(random() * templates.length)]!;
    return template.replace('{topic}', topics[Math.floor(random() * topics.length)]!);
  });
}
