import { describe, expect, it } from 'vitest';
import { isValidTimeZone } from './date-time.js';

describe('isValidTimeZone', () => {
  it('answers "UTC" without Intl, as Intl itself would', () => {
    expect(isValidTimeZone('UTC')).toBe(true);
    expect(() => new Intl.DateTimeFormat('en-US', { timeZone: 'UTC' })).not.toThrow();
  });

  it('still asks Intl about every other name', () => {
    expect(isValidTimeZone('utc')).toBe(true);
    expect(isValidTimeZone('Europe/Berlin')).toBe(true);
    expect(isValidTimeZone('UTC ')).toBe(false);
    expect(isValidTimeZone('Mars/Olympus_Mons')).toBe(false);
    expect(isValidTimeZone('+01:00')).toBe(true);
  });
});
