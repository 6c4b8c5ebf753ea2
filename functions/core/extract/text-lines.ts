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
  /^(?:home|menu|search|close|toggle navigation|skip to (?:main )?content|back to top|breaking(?: news)?|trending(?: now)?|latest(?: news)?|share(?: this(?: article| post| story)?)?:?|share (?:on|via) \w+.*|click to \w+.*|like this:?|tweet|facebook|twitter|linkedin|pinterest|whatsapp|telegram|reddit|e-?mail|print|subscribe\b.*|newsletter|log ?in|log ?out|sign (?:in|up)\b.*|register|read more\b.*|continue reading\b.*|related(?: posts| articles| stories| content)?:?|more (?:from|on|in)\b.*|you (?:may|might) also like\b.*|recommended(?: for you)?:?|popular(?: posts)?:?|most (?:read|popular|viewed)\b.*|about the author\b.*|tags?:.*|tagged\b.*|posted in\b.*|categor(?:y|ies):.*|filed under\b.*|(?:previous|next)(?: post| article| story| page)?(?:\s*[:»›>→←«‹<].*)?|advertisement|sponsored\b.*|follow us\b.*|about(?: us)?|contact(?: us)?|privacy(?: policy)?|terms(?: of (?:use|service))?|cookies?(?: policy| settings| notice)?|all rights reserved\b.*|(?:©|\(c\)|copyright)\s.*|thanks? (?:you )?for reading\b.*)$/i;
/** Longer lines are sentences even when they start like furniture ("Next steps to shape the company's future will be..."). */
const MAX_NAV_WORDS = 12;
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
  if (line.length > 120 || wordCount(line) > MAX_NAV_WORDS) return false;
  return NAV_LINE.test(line) || (line.match(SEPARATORS)?.length ?? 0) >= 2;
}

/** A dateline or header such as "JUNE 2021" or "Posted on April 5, 2018 by admin": short and mostly a date. */
export function isDateLine(line: string): boolean {
  return line.length <= 80 && wordCount(line) <= 10 && DATE_PHRASE.test(line);
}

/** Bylines and post metadata: "By Jane Doe", "Posted on April 6, 2018 by admin in World", "Updated 3 hours ago", "5 min read". */
const META_LINE =
  /^(?:by\s+[^.!?]{1,60}|(?:posted|written|published|submitted|updated|reported|filed|photos?)(?:\s+(?:on|by|in|at)\b|:).*|author:\s.{1,60}|\d+\s*min(?:ute)?s?\s+read|reading time:.*)$/i;

export function isMetaLine(line: string): boolean {
  return line.length <= 160 && wordCount(line) <= 25 && META_LINE.test(line);
}

/** A calls-to-action sentence of the site rather than the article: newsletter sign-ups, cookie and JavaScript notices. */
const PROMO_PHRASE =
  /\b(?:newsletter|subscribe (?:to|now|today|for)|sign up (?:for|to|now|today)|(?:use|uses|accept) cookies|cookie (?:policy|settings)|enable javascript|javascript is disabled|follow us on|opens in (?:a )?new (?:window|tab)|all rights reserved)\b/i;

export function isPromoLine(line: string): boolean {
  return line.length <= 240 && PROMO_PHRASE.test(line);
}

/** A lone user handle as a commenter signs: "northerntruthseeker .", "mike_77", "anna.k" (lower case, digits or underscores, no spaces). */
export function isHandleLine(line: string): boolean {
  const token = line.replace(/\s*[.:,-]*$/, '');
  return /^[\p{L}\p{N}_.-]{3,40}$/u.test(token) && /\p{Ll}/u.test(token) && (/[\d_]/.test(token) || token === token.toLowerCase());
}

/** A line that could be a commenter's name: a few words of letters only ("Anna K", "You can call me Al"); no digits, links or colons. */
export function isNameLike(line: string): boolean {
  return wordCount(line) <= MAX_NAME_WORDS && /^[\p{L}][\p{L}\p{M} .'’-]*$/u.test(line);
}
const MAX_NAME_WORDS = 6;

/** A paragraph of running prose: long, or a full sentence of several words. */
export function isProse(paragraph: string): boolean {
  if (paragraph.length >= 120) return true;
  return wordCount(paragraph) + ideographs(paragraph) / CHARACTERS_PER_WORD >= 6 && /[.!?…:;"”’)。！？」』）]$/u.test(paragraph);
}

/** Chinese, Japanese and Korean write without spaces: about this many characters make a word. */
const CHARACTERS_PER_WORD = 2;

function ideographs(text: string): number {
  return text.match(/[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/gu)?.length ?? 0;
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
/** An article with fewer distinct content words than this is too short to tell what is off its topic (both tail cuts use it). */
export const MIN_TOPIC_VOCABULARY = 40;

export function contentWords(text: string): string[] {
  return (text.toLowerCase().match(/[\p{L}\p{N}]{5,}/gu) ?? [])
    .filter((word) => !STOPWORDS.has(word))
    .map((word) => (word.length > 5 && word.endsWith('s') && !word.endsWith('ss') ? word.slice(0, -1) : word));
}

/** The writer's own voice: quoted speech is how news copy quotes people, so it does not count. */
function ownWords(paragraph: string): string {
  return paragraph.replace(/“[^”]*”|"[^"]*"/g, ' ').replace(/\b(?:US|U\.S\.)\b/g, '');
}

/** First/second person (I, you, we, lol) in the writer's own words: how comments read and news copy does not. */
export function isConversational(paragraph: string): boolean {
  const own = ownWords(paragraph);
  // "I" only in capitals: a lower-case "i" is the Italian article.
  return /\bI\b/.test(own) || /\b(?:me|my|you|your|we|us|our|lol)\b/i.test(own);
}

/** Conversational, or contractions ("doesn't", "won't"): a weaker sign of a reader's voice, common in news copy too. */
export function isInformal(paragraph: string): boolean {
  return isConversational(paragraph) || /\w(?:n['’]t|['’](?:m|re|ll|ve|d))\b/i.test(ownWords(paragraph));
}
