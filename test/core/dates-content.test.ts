import { describe, expect, it } from 'vitest';
import { resolveCoreConfig } from '../../functions/core/config.ts';
import { comparePartialDates, findContentDates, judgeDates, partialDateStart } from '../../functions/core/dates/index.ts';
import type { ClaimedDate, PartialDate } from '../../functions/core/types.ts';

const config = resolveCoreConfig();
const claim = (value: string, precision: ClaimedDate['precision'], source: ClaimedDate['source'] = 'meta'): ClaimedDate => ({ value, precision, source });

describe('findContentDates', () => {
  it('resolves year-less dates from the nearest explicit year before them, not from today', () => {
    const text = 'The council met in March 2016 to plan.\n\nOn April 5 the vote passed, and on April 9 the mayor signed it.';
    const dates = findContentDates(text, '');
    expect(dates).toMatchObject({ from: 'article', mentions: 3, dominant: { value: '2016-04', precision: 'month' } });
    expect(dates.earliest).toEqual({ value: '2016-03', precision: 'month' });
    expect(dates.latest).toEqual({ value: '2016-04-09', precision: 'day' });
  });

  it('takes the year after a year-less date when none comes before it', () => {
    const dates = findContentDates('On June 2 the bridge closed. Repairs began on 20 June 2011.', '');
    expect(dates.earliest).toEqual({ value: '2011-06-02', precision: 'day' });
  });

  it("uses the comments' explicit year for a year-less article, but not the comments' dates", () => {
    const dates = findContentDates('On April 5 a source said troops moved. The talks ended on April 4.', 'reader7 April 5, 2019 at 22:19\nNice.');
    expect(dates).toMatchObject({ from: 'article', mentions: 2, dominant: { value: '2019-04' } });
  });

  it('drops year-less dates when no explicit year exists anywhere', () => {
    expect(findContentDates('On April 5 they met; on April 6 they left.', '')).toMatchObject({ mentions: 0, from: 'none', dominant: null });
  });

  it('ignores relative expressions, weekdays, fractions and durations', () => {
    const text = 'Yesterday it rained. Last week was dry. On Friday we baked with 1/4 cup of sugar for 5-7 minutes. See you in 6 days, 2020.';
    expect(findContentDates(text, '').mentions).toBe(0);
  });

  it('falls back to the comments when the article has no dates, and says so', () => {
    const dates = findContentDates('A text without any calendar date at all.', 'Posted by ann on 3 May 2017\nGreat read, thanks for the 12 May 2017 update');
    expect(dates).toMatchObject({ from: 'comments', latest: { value: '2017-05-12' } });
  });

  it('skips datelines: a header line is the claim, not an event (and its year resolves nothing)', () => {
    const dates = findContentDates('JUNE 2021\n\nTitle of the story\n\nOn April 5 the troops left, on April 7 they returned.', 'bob April 5, 2018 at 10:00');
    expect(dates).toMatchObject({ mentions: 2, dominant: { value: '2018-04' }, latest: { value: '2018-04-07' } });
  });

  it('reports a dominant year when no month holds two mentions', () => {
    const dates = findContentDates('Founded on 1 March 2009, it grew by 2 July 2009 and merged on 5 October 2012.', '');
    expect(dates.dominant).toEqual({ value: '2009', precision: 'year' });
  });
});

describe('judgeDates', () => {
  const covers2018 = findContentDates('The port closed on 3 April 2018. On April 4, 2018 ships waited; on April 5, 2018 they left.', '');

  it('flags a claim long after the events the article reports, with a checkable sentence', () => {
    const verdict = judgeDates(claim('2021-06', 'month', 'header'), covers2018, config);
    expect(verdict.dateMismatch).toBe(true);
    expect(verdict.dateGapDays).toBe(1153);
    expect(verdict.dateEvidence).toBe('claims 2021-06 (header) but the article covers 2018-04 (3 mentions, 2018-04-03..2018-04-05): 1153 days later');
  });

  it('does not flag a claim within the gap, nor a month-precise claim covering the events', () => {
    expect(judgeDates(claim('2018-09-30', 'day'), covers2018, config)).toMatchObject({ dateMismatch: false, dateGapDays: 178 });
    expect(judgeDates(claim('2018-04', 'month'), covers2018, config)).toMatchObject({ dateMismatch: false, dateGapDays: 0 });
    expect(judgeDates(claim('2018-09-30', 'day'), covers2018, resolveCoreConfig({ mismatchGapDays: 100 })).dateMismatch).toBe(true);
  });

  it('does not flag a recent article that also mentions a historic date', () => {
    const content = findContentDates('The treaty of 9 November 1989 changed everything. On 3 May 2023 and 4 May 2023 the ministers met again.', '');
    expect(judgeDates(claim('2023-05-06', 'day'), content, config).dateMismatch).toBe(false);
  });

  it('does not flag one passing date reference, however old', () => {
    const content = findContentDates('She was born on 9 October 1966 and still sings.', '');
    expect(judgeDates(claim('2019-06-20', 'day'), content, config)).toMatchObject({ dateMismatch: false, dateGapDays: 19247 });
  });

  it('flags a claim well before every event reported, but tolerates announcements of coming events', () => {
    const election = findContentDates('The election on November 3, 2020 and the count on November 4, 2020 will be close.', '');
    expect(judgeDates(claim('2020-08-01', 'day'), election, config)).toMatchObject({ dateMismatch: false, dateGapDays: -94 });
    expect(judgeDates(claim('2015', 'year'), covers2018, config)).toMatchObject({ dateMismatch: true, dateGapDays: -824 });
  });

  it('has nothing to say without a claim or without dated content', () => {
    expect(judgeDates(null, covers2018, config)).toEqual({ dateMismatch: false, dateGapDays: null, dateEvidence: null });
    expect(judgeDates(claim('2021', 'year'), findContentDates('No dates.', ''), config).dateGapDays).toBeNull();
  });
});

describe('judgeDates: one date written twice', () => {
  it('is one cited event, not a covered month: no mismatch for a recent article recalling it', () => {
    const text = 'The senator, born on 7 October 1960, spoke at the hearing. A caption: the senator in 1985 (born 7 October 1960).';
    const dates = findContentDates(text, '');
    expect(dates.dominant?.precision).toBe('year');
    expect(judgeDates(claim('2023-11-09', 'day'), dates, config).dateMismatch).toBe(false);
    // Two different days of one month still cover it.
    const covered = findContentDates('The port closed on 3 April 2018 and reopened on 9 April 2018.', '');
    expect(judgeDates(claim('2023-11-09', 'day'), covered, config).dateMismatch).toBe(true);
  });
});

describe('partial dates', () => {
  const d = (value: string, precision: PartialDate['precision']): PartialDate => ({ value, precision });

  it('orders by period start, the coarser period first on a tie', () => {
    const sorted = [d('2021-06-15', 'day'), d('2021', 'year'), d('2018-04-05', 'day'), d('2021-06', 'month')].sort(comparePartialDates);
    expect(sorted.map((x) => x.value)).toEqual(['2018-04-05', '2021', '2021-06', '2021-06-15']);
  });

  it('starts a period at UTC midnight of its first day', () => {
    expect(partialDateStart(d('2021-06', 'month')).toISOString()).toBe('2021-06-01T00:00:00.000Z');
    expect(partialDateStart(d('2019', 'year')).toISOString()).toBe('2019-01-01T00:00:00.000Z');
  });
});
