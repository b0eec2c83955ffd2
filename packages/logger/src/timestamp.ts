/**
 * The line's timestamp as Powertools writes it: `toISOString()` in UTC (Lambda's default, `TZ=:UTC`), else the local
 * time of `TZ` with its offset (`2026-01-12T16:15:02.481+06:00`). The UTC form formats the date and time up to the
 * minute once a minute.
 */

let minutePrefix = '';
let prefixMinute = Number.NaN;

/** `date.toISOString()` (UTC, milliseconds), the part up to the minute formatted once a minute. */
export const isoUtc = (date: Date): string => {
  const t = date.getTime();
  const minute = Math.floor(t / 60_000);
  if (minute !== prefixMinute) {
    const iso = date.toISOString();
    // Years before 0 or after 9999 have another shape (±YYYYYY): formatted in full every time.
    if (iso.length !== 24) return iso;
    minutePrefix = iso.slice(0, 17);
    prefixMinute = minute;
  }
  const ms = t - minute * 60_000;
  const sec = Math.floor(ms / 1000);
  const milli = ms - sec * 1000;
  return `${minutePrefix}${sec < 10 ? '0' : ''}${sec}.${milli < 10 ? '00' : milli < 100 ? '0' : ''}${milli}Z`;
};

const two = (n: number): string => String(n).padStart(2, '0');

/** The local time (the process' TZ) with its offset, as Powertools' LogFormatter writes it when TZ is not UTC. */
export const isoWithOffset = (date: Date): string => {
  const offset = -date.getTimezoneOffset();
  const sign = offset >= 0 ? '+' : '-';
  const abs = Math.abs(offset);
  const ms = String(date.getMilliseconds()).padStart(3, '0');
  return `${date.getFullYear()}-${two(date.getMonth() + 1)}-${two(date.getDate())}T${two(date.getHours())}:${two(date.getMinutes())}:${two(date.getSeconds())}.${ms}${sign}${two(Math.floor(abs / 60))}:${two(abs % 60)}`;
};

/** The formatter for the `TZ` of now (read by the logger when created and when an invocation starts). */
export const timestampFormatter = (): ((date: Date) => string) => {
  const tz = process.env.TZ?.trim() ?? '';
  return tz === '' || tz.includes('UTC') ? isoUtc : isoWithOffset;
};
