/**
 * Reader-comment sections of an HTML page: WordPress `#comments` / `ol.commentlist` / `#respond`, Disqus,
 * `<section id="comments">`, schema.org Comment markup, and the like. Matched on whole id/class tokens so that
 * `has-comments` or `comment-count` on an article wrapper do not throw the article away.
 */

const COMMENT_TOKEN =
  /^(?:(?:wp|post|article|user|reader|site|entry|blog|page|story|js|fb|main|all|the)[-_]?)?(?:comments?|commentlist|commentary|disqus(?:_thread)?|respond|replies|reply[-_]?(?:list|form)|discussion|talkback)(?:[-_]?(?:list|section|area|wrap|wrapper|container|thread|threads|block|box|holder|content|root|panel|module|widget|form|s))?$/i;

const COMMENT_ITEMTYPE = /schema\.org\/(?:Comment|UserComments|DiscussionForumPosting)\b/i;

/** A comment section may not hold the article: this share of the body's text or an article/h1 inside says it is a wrapper. */
const MAX_BODY_SHARE = 0.6;

export function isCommentElement(element: Element): boolean {
  const itemType = element.getAttribute('itemtype');
  if (itemType && COMMENT_ITEMTYPE.test(itemType)) return true;
  const id = element.getAttribute('id');
  if (id && COMMENT_TOKEN.test(id.trim())) return true;
  const classes = element.getAttribute('class');
  return !!classes && classes.split(/\s+/).some((token) => token !== '' && COMMENT_TOKEN.test(token));
}

/** Outermost comment sections under `body`, excluding any that look like they wrap the article itself. */
export function findCommentSections(body: Element, bodyTextLength: number): Element[] {
  const found: Element[] = [];
  for (const element of Array.from(body.querySelectorAll('[id],[class],[itemtype]'))) {
    if (!isCommentElement(element)) continue;
    if (found.some((outer) => outer.contains(element))) continue;
    if (element.tagName === 'BODY' || element.tagName === 'HTML') continue;
    if (element.querySelector('article, h1, [itemprop="articleBody"]')) continue;
    const length = (element.textContent ?? '').replace(/\s+/g, ' ').length;
    if (length > bodyTextLength * MAX_BODY_SHARE) continue;
    found.push(element);
  }
  return found;
}
