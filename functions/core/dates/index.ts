/** Dates: what a page claims, what its content covers, and whether the two disagree. */
export { findClaimedDate, type ClaimedDateInput } from './claimed.ts';
export { findContentDates } from './content.ts';
export { citedDate, judgeDates, judgeEarlierCopy, mismatchKinds, type OriginalClaim } from './verdict.ts';
export { comparePartialDates, partialDateEnd, partialDateStart } from './partial-date.ts';
