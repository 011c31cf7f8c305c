/**
 * Weekly time windows in local time, e.g. `Mon-Fri 06:00-22:00; Sat 06:00-14:00`: the production schedule that
 * planned production time is counted in, and the hours a setpoint may be changed in. Local means a time zone's wall
 * clock (an IANA name, or the host's zone), so a shift that starts at 06:00 still starts at 06:00 after a daylight
 * saving change.
 */

const DAY_NAMES = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'] as const;
const MINUTE_MS = 60_000;
const DAY_MS = 1440 * MINUTE_MS;
const WEEK_MS = 7 * DAY_MS;
/**
 * Offset changes (daylight saving) happen on a quarter hour of local time in every zone in use, so stepping no
 * further than the next local quarter hour never crosses one mid-step and local and real elapsed time agree.
 */
const STEP_MS = 15 * MINUTE_MS;

/** One window in milliseconds of the local week (Monday 00:00 = 0), end exclusive, never wrapping past the week. */
interface WeekInterval {
  start: number;
  end: number;
}

interface LocalTime {
  /** Milliseconds since local Monday 00:00. */
  weekMs: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string | undefined): Intl.DateTimeFormat {
  const key = timeZone ?? '';
  let format = formatters.get(key);
  if (!format) {
    try {
      format = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', weekday: 'short', hour: '2-digit', minute: '2-digit', second: '2-digit' });
    } catch {
      throw new Error(`time zone "${timeZone}" is unknown: use an IANA name such as Europe/Berlin, or leave it empty for the host's zone`);
    }
    formatters.set(key, format);
  }
  return format;
}

function localTime(ts: number, timeZone: string | undefined): LocalTime {
  let day = 0;
  let hour = 0;
  let minute = 0;
  let second = 0;
  for (const part of formatter(timeZone).formatToParts(ts)) {
    if (part.type === 'weekday') day = DAY_NAMES.indexOf(part.value as typeof DAY_NAMES[number]);
    else if (part.type === 'hour') hour = Number(part.value) % 24;
    else if (part.type === 'minute') minute = Number(part.value);
    else if (part.type === 'second') second = Number(part.value);
  }
  const millis = ((ts % 1000) + 1000) % 1000;
  return { weekMs: day * DAY_MS + ((hour * 60 + minute) * 60 + second) * 1000 + millis };
}

const FULL_DAY_NAMES = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'];

function parseDay(text: string, entry: string): number {
  const lower = text.toLowerCase();
  const index = DAY_NAMES.findIndex((d, i) => lower === d.toLowerCase() || lower === FULL_DAY_NAMES[i]);
  if (index < 0) throw new Error(`schedule entry "${entry}": unknown day "${text}" (use Mon Tue Wed Thu Fri Sat Sun, a range such as Mon-Fri, or daily)`);
  return index;
}

function parseDays(text: string, entry: string): number[] {
  const lower = text.toLowerCase();
  if (lower === 'daily' || lower === '*') return [0, 1, 2, 3, 4, 5, 6];
  const [first, last] = text.split('-');
  const from = parseDay(first, entry);
  const to = last === undefined ? from : parseDay(last, entry);
  const days: number[] = [];
  for (let d = from; ; d = (d + 1) % 7) {
    days.push(d);
    if (d === to) break;
  }
  return days;
}

function parseMinutes(text: string, entry: string, allowEndOfDay: boolean): number {
  const match = /^(\d{1,2}):(\d{2})$/.exec(text);
  const hours = match ? Number(match[1]) : NaN;
  const minutes = match ? Number(match[2]) : NaN;
  const valid = match && minutes < 60 && (hours < 24 || (allowEndOfDay && hours === 24 && minutes === 0));
  if (!valid) throw new Error(`schedule entry "${entry}": "${text}" is not a time of day (HH:MM, 00:00-24:00)`);
  return hours * 60 + minutes;
}

function parseEntry(entry: string): WeekInterval[] {
  const match = /^(?:(\S+)\s+)?(\S+?)\s*-\s*(\S+)$/.exec(entry);
  if (!match) throw new Error(`schedule entry "${entry}" must look like "Mon-Fri 06:00-22:00" (days, then start-end)`);
  const days = parseDays(match[1] ?? 'daily', entry);
  const start = parseMinutes(match[2], entry, false);
  const end = parseMinutes(match[3], entry, true);
  if (start === end) throw new Error(`schedule entry "${entry}" is empty: start and end are the same time`);
  // An end at or before the start runs past midnight into the next day.
  const length = (end > start ? end - start : end + 1440 - start) * MINUTE_MS;
  const intervals: WeekInterval[] = [];
  for (const day of days) {
    const from = day * DAY_MS + start * MINUTE_MS;
    const to = from + length;
    if (to <= WEEK_MS) intervals.push({ start: from, end: to });
    else intervals.push({ start: from, end: WEEK_MS }, { start: 0, end: to - WEEK_MS });
  }
  return intervals;
}

function merge(intervals: WeekInterval[]): WeekInterval[] {
  const sorted = [...intervals].sort((a, b) => a.start - b.start);
  const merged: WeekInterval[] = [];
  for (const interval of sorted) {
    const last = merged.at(-1);
    if (last && interval.start <= last.end) last.end = Math.max(last.end, interval.end);
    else merged.push({ ...interval });
  }
  return merged;
}

export class WeeklySchedule {
  /** True when every moment is inside (an empty schedule text, `always` or `24/7`). */
  readonly always: boolean;
  private readonly intervals: WeekInterval[];

  private constructor(readonly text: string, intervals: WeekInterval[], readonly timeZone: string | undefined) {
    this.intervals = merge(intervals);
    this.always = this.intervals.length === 1 && this.intervals[0].start === 0 && this.intervals[0].end === WEEK_MS;
    formatter(timeZone);
  }

  static readonly ALWAYS = new WeeklySchedule('always', [{ start: 0, end: WEEK_MS }], undefined);

  /**
   * Parses entries separated by `;` or `,`: `<days> <start>-<end>` with days `Mon`, `Mon-Fri`, `Fri-Mon` or `daily`
   * (or no days: every day). An end at or before the start runs past midnight. Empty, `always` or `24/7`: always.
   */
  static parse(text: string | undefined, timeZone?: string): WeeklySchedule {
    const trimmed = String(text ?? '').trim();
    const zone = timeZone && timeZone.trim() !== '' ? timeZone.trim() : undefined;
    if (trimmed === '' || /^(always|24\/7)$/i.test(trimmed)) return new WeeklySchedule('always', [{ start: 0, end: WEEK_MS }], zone);
    const entries = trimmed.split(/[;,]/).map((e) => e.trim()).filter((e) => e.length > 0);
    if (entries.length === 0) throw new Error(`schedule "${trimmed}" has no entries: write e.g. "Mon-Fri 06:00-22:00", or leave it empty for always`);
    return new WeeklySchedule(trimmed, entries.flatMap(parseEntry), zone);
  }

  contains(ts: number): boolean {
    if (this.always) return true;
    const { weekMs } = localTime(ts, this.timeZone);
    return this.intervals.some((i) => weekMs >= i.start && weekMs < i.end);
  }

  /** Milliseconds of [from, to) that fall inside the schedule. */
  insideMs(from: number, to: number): number {
    if (to <= from) return 0;
    if (this.always) return to - from;
    let inside = 0;
    let t = from;
    while (t < to) {
      const { weekMs } = localTime(t, this.timeZone);
      const current = this.intervals.find((i) => weekMs >= i.start && weekMs < i.end);
      const edge = current ? current.end : this.nextStart(weekMs);
      const toQuarter = STEP_MS - (weekMs % STEP_MS);
      const next = Math.min(to, t + Math.min(edge - weekMs, toQuarter));
      if (current) inside += next - t;
      t = next;
    }
    return inside;
  }

  private nextStart(weekMs: number): number {
    const later = this.intervals.find((i) => i.start > weekMs);
    return later ? later.start : this.intervals[0].start + WEEK_MS;
  }

  describe(): string {
    return this.always ? 'always' : `${this.text}${this.timeZone ? ` (${this.timeZone})` : ''}`;
  }
}
