/**
 * A formatter of epoch milliseconds as ISO 8601 that remembers its last answer. The lines of
 * one read and the records of one batch mostly share their timestamp to the millisecond, and
 * formatting a Date costs more than the rest of building such a record. Each caller makes its
 * own, so one stream's timestamps never evict another's.
 */
export function cachedIsoTime(): (ms: number) => string {
  let lastMs = Number.NaN;
  let lastIso = '';
  return (ms) => {
    if (ms !== lastMs) {
      lastIso = new Date(ms).toISOString();
      lastMs = ms;
    }
    return lastIso;
  };
}
