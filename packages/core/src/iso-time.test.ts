import { describe, expect, it } from 'vitest';
import { cachedIsoTime } from './iso-time.js';

describe('cachedIsoTime', () => {
  it('formats like toISOString, for a repeated time and after a change', () => {
    const iso = cachedIsoTime();
    const t = Date.UTC(2026, 11, 4, 10, 0, 0, 123);
    expect(iso(t)).toBe('2026-12-04T10:00:00.123Z');
    expect(iso(t)).toBe('2026-12-04T10:00:00.123Z');
    expect(iso(t + 1)).toBe('2026-12-04T10:00:00.124Z');
    expect(iso(0)).toBe('1970-01-01T00:00:00.000Z');
  });

  it('each formatter remembers its own last time', () => {
    const a = cachedIsoTime();
    const b = cachedIsoTime();
    expect(a(1_000)).toBe('1970-01-01T00:00:01.000Z');
    expect(b(2_000)).toBe('1970-01-01T00:00:02.000Z');
    expect(a(1_000)).toBe('1970-01-01T00:00:01.000Z');
  });
});
