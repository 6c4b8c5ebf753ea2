/** Line and paragraph classifiers for plain-text scrapes (see text.ts for how they are combined). */

const MONTH = '(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\\.?';

/** "frances April 5, 2018 at 22:19", "5 April 2018 at 10:12 pm", "04/05/2018 22:19", "3 hours ago". */
const COMMENT_STAMP = new RegExp(
  `(?:\\b${MONTH}\\s+\\d{1,2},?\\s+\\d{4}|\\b\\d{1,2}\\s+${MONTH}\\s+\\d{4}|\\b\\d{1,2}[/.]\\d{1,2}[/.]\\d{2,4}),?\\s+(?:at\\s+)?\\d{1,2}:\\d{2}|\\b\\d+\\s+(?:minutes?|hours?|days?|weeks?|months?|years?)\\s+ago\\b`,
  'i',
);
const COMMENT_LINE =
  /^(?:reply(?:\s*↓)?|log in to reply|report(?: comment)?|permalink|like|upvote|downvote|\d+\s+(?:likes?|replies|votes?|points?)|(?:\d+\s+)?(?:comments?|responses?|replies)(?:\s*\(\d+\))?:?|leave a (?:reply|comment)\b.*|join the discussion\b.*|add a comment\b.*|post a comment\b.*|.{1,40}\s+(?:says|said|wrote):)$/i;

const NAV_LINE =
  /^(?:home|menu|search|share(?: this(?: article| post)?)?:?|tweet|facebook|twitter|linkedin|pinterest|whatsapp|telegram|reddit|e-?mail|print|subscribe\b.*|newsletter|log ?in|sign (?:in|up)|register|skip to (?:main )?content|read more\b.*|continue reading\b.*|related(?: posts| articles| stories)?:?|you may also like\b.*|tags?:.*|categor(?:y|ies):.*|filed under\b.*|previous(?: post| article)?\b.*|next(?: post| article)?\b.*|advertisement|sponsored\b.*|follow us\b.*|about(?: us)?|contact(?: us)?|privacy(?: policy)?|terms(?: of (?:use|service))?|cookies?\b.*|all rights reserved\b.*|(?:©|\(c\)|copyright)\s.*)$/i;
const SEPARATORS = /\s[|»›•·>]\s/g;

const DATE_PHRASE = new RegExp(`\\b${MONTH}\\s+(?:\\d{1,2}(?:st|nd|rd|th)?,?\\s+)?\\d{4}\\b|\\b\\d{1,2}\\s+${MONTH}\\s+\\d{4}\\b|\\b\\d{4}-\\d{2}-\\d{2}\\b`, 'i');

export function wordCount(text: string): number {
  return text.split(/\s+/).filter(Boolean).length;
}

/** A reader-comment marker: a name + timestamp line, "Reply", "N comments", "x says:". */
export function isCommentMarker(line: string): boolean {
  return line.length <= 100 && (COMMENT_STAMP.test(line) || COMMENT_LINE.test(line));
}

/** Site furniture: share buttons, menus, breadcrumbs ("Home | World"), copyright and legal lines. */
export function isNavLine(line: string): boolean {
  if (line.length > 120) return false;
  return NAV_LINE.test(line) || (line.match(SEPARATORS)?.length ?? 0) >= 2;
}

/** A dateline or header such as "JUNE 2021" or "Posted on April 5, 2018 by admin": short and mostly a date. */
export function isDateLine(line: string): boolean {
  return line.length <= 80 && wordCount(line) <= 10 && DATE_PHRASE.test(line);
}

/** A paragraph of running prose: long, or a full sentence of several words. */
export function isProse(paragraph: string): boolean {
  if (paragraph.length >= 120) return true;
  return wordCount(paragraph) >= 6 && /[.!?…:;"”’)]$/.test(paragraph);
}

/** A headline: one line of a few words that is not a sentence. */
export function isTitleLike(paragraph: string): boolean {
  const words = wordCount(paragraph);
  return words >= 2 && words <= 30 && paragraph.length <= 200 && !/[.,;:]$/.test(paragraph);
}

const STOPWORDS = new Set(
  ('about above after again against also among another because been before being below between both but could does doing down during each ' +
    'even ever every from further have having here hers herself himself however into itself just least less like made make makes many more most much must ' +
    'never only other ours ourselves over same should since some such than that their theirs them themselves then there these they this those through ' +
    'under until upon very want was were what when where which while whom whose will with within without would your yours yourself said says think').split(' '),
);

/** Content words (5+ letters, so "well" or "last" do not count as a shared topic) of a text, lower-cased and crudely stemmed (plural s), for topic overlap. */
export function contentWords(text: string): string[] {
  return (text.toLowerCase().match(/[\p{L}\p{N}]{5,}/gu) ?? [])
    .filter((word) => !STOPWORDS.has(word))
    .map((word) => (word.length > 5 && word.endsWith('s') && !word.endsWith('ss') ? word.slice(0, -1) : word));
}

/** Conversational first/second person or contractions: how comments read and news copy does not. */
export function isConversational(paragraph: string): boolean {
  return /\b(?:I|I'm|I’m|me|my|you|your|we|us|our|lol)\b/i.test(paragraph.replace(/\b(?:US|U\.S\.)\b/g, '')) || /\w(?:n['’]t|['’](?:m|re|ll|ve|d))\b/i.test(paragraph);
}
