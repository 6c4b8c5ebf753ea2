/**
 * The publisher's time zone as a page states it, to turn a UTC timestamp into the publisher's local day.
 * Three statements, in order of trust:
 *   1. timestamps written with a non-zero UTC offset anywhere in the HTML (meta, JSON-LD, <time>, scripts): the
 *      offset written most often (`2020-05-01T22:54:29-04:00` -> -04:00);
 *   2. an IANA zone name in a script or data attribute (`"timezone": "America/New_York"`), its offset at that instant;
 *   3. a zone abbreviation after a clock time in the visible text (`10:54 PM EDT`, `09:00 JST`, `14:30 MESZ`).
 * None of them: the zone cannot be known from the page.
 */

export interface StatedOffset {
  /** Minutes east of UTC at the timestamp's instant. */
  minutes: number;
  evidence: string;
}

const OFFSET_TIMESTAMP = /(?:19|20)\d{2}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?([+-])(\d{2}):?(\d{2})(?![\d:])/g;
const IANA_ZONE = /["']?(?:time_?zone|tz|tzid|timezone_?string)["']?\s*[:=]\s*["']((?:America|Europe|Asia|Australia|Africa|Pacific|Atlantic|Indian)\/[A-Za-z_]+(?:\/[A-Za-z_]+)?)["']/i;

/** Abbreviations that name one offset (hours east of UTC). Ambiguous ones (IST, CST in Asia) are read as the more common web use. */
const ZONE_ABBREVIATIONS: Record<string, number> = {
  EST: -5, EDT: -4, CST: -6, CDT: -5, MST: -7, MDT: -6, PST: -8, PDT: -7, AKST: -9, AKDT: -8, HST: -10,
  GMT: 0, UTC: 0, BST: 1, WET: 0, WEST: 1, CET: 1, CEST: 2, MEZ: 1, MESZ: 2, EET: 2, EEST: 3, MSK: 3,
  IST: 5.5, PKT: 5, ICT: 7, WIB: 7, HKT: 8, SGT: 8, AWST: 8, JST: 9, KST: 9, ACST: 9.5, AEST: 10, AEDT: 11, NZST: 12, NZDT: 13,
};
const CLOCK_WITH_ZONE = new RegExp(`\\d{1,2}[:.h]\\d{2}(?:\\s*[AaPp]\\.?[Mm]\\.?)?\\s*\\(?(${Object.keys(ZONE_ABBREVIATIONS).join('|')})\\)?(?![\\p{L}])`, 'u');

/** The offset of an IANA zone at an instant (Intl knows daylight saving), or null for an unknown zone. */
function ianaOffsetMinutes(zone: string, at: Date): number | null {
  try {
    const name = new Intl.DateTimeFormat('en-US', { timeZone: zone, timeZoneName: 'longOffset' }).formatToParts(at).find((p) => p.type === 'timeZoneName')?.value ?? '';
    const m = /GMT(?:([+-])(\d{2}):(\d{2}))?/.exec(name);
    if (!m) return null;
    return m[1] ? (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3])) : 0;
  } catch {
    return null;
  }
}

/** The offset the page states for the given instant, or null when it states none. The visible text is read last, only if needed. */
export function statedUtcOffset(html: string, visibleText: () => string, at: Date): StatedOffset | null {
  const counts = new Map<number, { count: number; evidence: string }>();
  for (const m of html.matchAll(OFFSET_TIMESTAMP)) {
    const minutes = (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3]));
    if (minutes === 0) continue;
    const entry = counts.get(minutes) ?? { count: 0, evidence: m[0] };
    entry.count += 1;
    counts.set(minutes, entry);
  }
  let best: [number, { count: number; evidence: string }] | null = null;
  for (const entry of counts) if (!best || entry[1].count > best[1].count) best = entry;
  if (best) return { minutes: best[0], evidence: `offset of ${best[1].evidence}` };

  const zone = IANA_ZONE.exec(html);
  const zoneMinutes = zone ? ianaOffsetMinutes(zone[1] ?? '', at) : null;
  if (zone && zoneMinutes !== null) return { minutes: zoneMinutes, evidence: `time zone ${zone[1]}` };

  const clock = CLOCK_WITH_ZONE.exec(visibleText());
  const hours = clock ? ZONE_ABBREVIATIONS[clock[1] ?? ''] : undefined;
  if (clock && hours !== undefined) return { minutes: hours * 60, evidence: clock[0] };
  return null;
}
