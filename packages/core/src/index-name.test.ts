import { describe, expect, it } from 'vitest';
import { ConfigError } from './errors.js';
import { compileIndexName } from './index-name.js';

describe('compileIndexName', () => {
  it('formats the event date in UTC', () => {
    const name = compileIndexName('logs-%{+yyyy.MM.dd}');
    expect(name({ '@timestamp': '2024-05-01T23:30:00.000Z' })).toBe('logs-2024.05.01');
    expect(name({ '@timestamp': '2024-05-02T01:00:00+02:00' })).toBe('logs-2024.05.01');
    expect(name({ '@timestamp': Date.UTC(2023, 11, 31, 12) })).toBe('logs-2023.12.31');
  });

  it('uses the per-day cache without mixing days', () => {
    const name = compileIndexName('logs-%{+yyyy.MM.dd}');
    expect(name({ '@timestamp': '2024-05-01T10:00:00.000Z' })).toBe('logs-2024.05.01');
    expect(name({ '@timestamp': '2024-05-02T10:00:00.000Z' })).toBe('logs-2024.05.02');
    expect(name({ '@timestamp': '2024-05-01T11:00:00.000Z' })).toBe('logs-2024.05.01');
  });

  it('caches whole names of date-only templates per day, and only for ISO UTC timestamps that parse', () => {
    let clock = Date.UTC(2025, 0, 2);
    const name = compileIndexName('logs-%{+yyyy.MM.dd}', { now: () => clock });
    // Every hour of three days, twice, against an independent formatting of the same instant.
    for (const pass of [1, 2]) {
      for (let h = 0; h < 72; h++) {
        const ms = Date.UTC(2024, 1, 28, h, pass * 7, 30);
        const d = new Date(ms);
        const want = `logs-${d.getUTCFullYear()}.${String(d.getUTCMonth() + 1).padStart(2, '0')}.${String(d.getUTCDate()).padStart(2, '0')}`;
        expect(name({ '@timestamp': d.toISOString() })).toBe(want);
      }
    }
    // Unparseable although ISO-shaped: the clock decides each time, nothing is cached.
    expect(name({ '@timestamp': '2024-13-45T00:00:00.000Z' })).toBe('logs-2025.01.02');
    clock = Date.UTC(2025, 0, 3);
    expect(name({ '@timestamp': '2024-13-45T00:00:00.000Z' })).toBe('logs-2025.01.03');
    // Parseable but not ISO: its first 10 characters do not name the day.
    expect(name({ '@timestamp': 'Wed, 01 May 2024 10:00:00 Z' })).toBe('logs-2024.05.01');
    expect(name({ '@timestamp': 'Wed, 01 Mar 2023 10:00:00 Z' })).toBe('logs-2023.03.01');
    // Offsets and epoch numbers bypass the cache and still convert to UTC.
    expect(name({ '@timestamp': '2024-05-02T01:00:00+02:00' })).toBe('logs-2024.05.01');
    expect(name({ '@timestamp': Date.UTC(2023, 11, 31, 12) })).toBe('logs-2023.12.31');
  });

  it('does not let the date cache of field templates mix days or keep the clock', () => {
    let clock = Date.UTC(2025, 0, 2);
    const name = compileIndexName('%{app}-%{+yyyy.MM.dd}', { now: () => clock });
    expect(name({ app: 'a', '@timestamp': '2024-13-45T00:00:00.000Z' })).toBe('a-2025.01.02');
    clock = Date.UTC(2025, 0, 3);
    expect(name({ app: 'a', '@timestamp': '2024-13-45T00:00:00.000Z' })).toBe('a-2025.01.03');
    expect(name({ app: 'a', '@timestamp': 'Wed, 01 May 2024 10:00:00 Z' })).toBe('a-2024.05.01');
    expect(name({ app: 'a', '@timestamp': 'Wed, 01 Mar 2023 10:00:00 Z' })).toBe('a-2023.03.01');
  });

  it('resolves fields by dotted and bracket paths, lowercased and sanitised', () => {
    const name = compileIndexName('%{[service][name]}-%{+yyyy.MM}');
    expect(name({ '@timestamp': '2024-05-01T00:00:00Z', service: { name: 'Web Front/API' } })).toBe(
      'web_front_api-2024.05',
    );
    expect(compileIndexName('%{service.name}')({ service: { name: 'checkout' } })).toBe('checkout');
  });

  it('falls back to "unknown" (or the given value) for a missing field and to now for a missing date', () => {
    const now = () => Date.UTC(2025, 0, 2);
    expect(compileIndexName('%{[service][name]}-%{+yyyy.MM.dd}', { now })({})).toBe('unknown-2025.01.02');
    expect(compileIndexName('%{[service][name]}-x', { missing: 'other' })({ service: {} })).toBe('other-x');
    expect(compileIndexName('logs-%{+yyyy}', { now })({ '@timestamp': 'garbage' })).toBe('logs-2025');
  });

  it('strips a leading _ - + that a field value would introduce', () => {
    expect(compileIndexName('%{a}')({ a: '_Secret' })).toBe('secret');
  });

  it('supports ISO weeks and hours', () => {
    // 2021-01-03 is in ISO week 53 of 2020.
    expect(compileIndexName('w-%{+xxxx.ww}')({ '@timestamp': '2021-01-03T05:00:00Z' })).toBe('w-2020.53');
    expect(compileIndexName('h-%{+yyyy.MM.dd.HH}')({ '@timestamp': '2021-01-03T05:00:00Z' })).toBe(
      'h-2021.01.03.05',
    );
  });

  it('rejects templates that can never give a valid name', () => {
    expect(() => compileIndexName('logs*-%{+yyyy}')).toThrow(ConfigError);
    expect(() => compileIndexName('_logs')).toThrow('must not start with _, - or +');
    expect(() => compileIndexName('logs-%{}')).toThrow('empty field reference');
    expect(() => compileIndexName('')).toThrow('must not be empty');
  });

  it('lowercases field values, never the literal text (uppercase there is refused)', () => {
    expect(compileIndexName('logs-%{app}')({ app: 'Web' })).toBe('logs-web');
  });
});

describe('uppercase index names', () => {
  it('are refused with the lowercase name as the hint, as Elasticsearch would refuse them', () => {
    let error: unknown;
    try {
      compileIndexName('PROBE-UP-%{+yyyy.MM.dd}');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toBe(
      'index name "PROBE-UP-%{+yyyy.MM.dd}" has uppercase letters; Elasticsearch index names are lowercase',
    );
    expect((error as ConfigError).hint).toBe('use "probe-up-%{+yyyy.MM.dd}"');
  });
});
