/** firstSeenOf: a record's capture date is its first seen when it can be ordered and is not after the event. */
import { describe, expect, it } from 'vitest';
import { firstSeenOf } from '../../functions/store/keys.ts';

const EVENT = '2024-06-01T12:00:00.000Z';
const NOW = '2024-06-01T12:00:05.000Z';

describe('firstSeenOf', () => {
  it('is the capture date, in the event time format, when it is an ISO 8601 time before the event', () => {
    expect(firstSeenOf({ eventTime: EVENT, captureDate: '2024-03-01T10:00:00Z' }, NOW)).toBe('2024-03-01T10:00:00.000Z');
    expect(firstSeenOf({ eventTime: EVENT, captureDate: '2024-03-01T12:00:00+02:00' }, NOW)).toBe('2024-03-01T10:00:00.000Z');
    expect(firstSeenOf({ eventTime: EVENT, captureDate: '2024-03-01' }, NOW)).toBe('2024-03-01T00:00:00.000Z');
  });

  it('is the event time for a page without a capture date, one that cannot be ordered, or one after the event', () => {
    expect(firstSeenOf({ eventTime: EVENT }, NOW)).toBe(EVENT);
    expect(firstSeenOf({ eventTime: EVENT, captureDate: 'yesterday' }, NOW)).toBe(EVENT);
    expect(firstSeenOf({ eventTime: EVENT, captureDate: 'Sat, 01 Jun 2024 10:00:00 GMT' }, NOW)).toBe(EVENT);
    expect(firstSeenOf({ eventTime: EVENT, captureDate: '2024-13-45T10:00:00Z' }, NOW)).toBe(EVENT);
    expect(firstSeenOf({ eventTime: EVENT, captureDate: '2031-01-01T00:00:00Z' }, NOW)).toBe(EVENT);
  });

  it('is now without an event time (a capture date before it still counts)', () => {
    expect(firstSeenOf({}, NOW)).toBe(NOW);
    expect(firstSeenOf({ captureDate: '2024-03-01T10:00:00Z' }, NOW)).toBe('2024-03-01T10:00:00.000Z');
  });
});
