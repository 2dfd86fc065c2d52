import { describe, expect, it } from 'vitest';
import { indexPeriod, parseAge } from './retention.js';

describe('retention helpers', () => {
  it('parses ages', () => {
    expect(parseAge('30d')).toBe(30 * 86_400_000);
    expect(parseAge('12h')).toBe(12 * 3_600_000);
    expect(parseAge('2w')).toBe(14 * 86_400_000);
    expect(() => parseAge('30')).toThrow(
      '--older-than must be a positive duration in hours, days or weeks (12h, 30d, 2w), got "30"',
    );
    expect(() => parseAge('0d')).toThrow('got "0d"');
  });

  it('reads the period from the date in an index name', () => {
    expect(indexPeriod('logs-2024.05.01')).toEqual({
      start: Date.UTC(2024, 4, 1),
      end: Date.UTC(2024, 4, 2),
    });
    expect(indexPeriod('logs-2024-12-31')).toEqual({
      start: Date.UTC(2024, 11, 31),
      end: Date.UTC(2025, 0, 1),
    });
    expect(indexPeriod('checkout-2024.05')).toEqual({
      start: Date.UTC(2024, 4, 1),
      end: Date.UTC(2024, 5, 1),
    });
    expect(indexPeriod('logs-2024.05.01.13')).toEqual({
      start: Date.UTC(2024, 4, 1, 13),
      end: Date.UTC(2024, 4, 1, 14),
    });
    expect(indexPeriod('svc2024-logs-2024.05.01')?.start).toBe(Date.UTC(2024, 4, 1));
    expect(indexPeriod('logs-static')).toBeUndefined();
    expect(indexPeriod('logs-2024.13.01')).toBeUndefined();
  });
});
