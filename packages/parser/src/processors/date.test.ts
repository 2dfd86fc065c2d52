import { ConfigError } from '@sluice/core';
import { describe, expect, it } from 'vitest';
import { date } from './date.js';

const where = 'p.yaml:3: processor 2 (date)';
const make = (options: unknown) => date(options, { where });
const message = (options: unknown) => {
  try {
    make(options);
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as Error).message;
  }
  return 'no error';
};

describe('date processor', () => {
  it('tries formats in order and writes @timestamp as ISO-8601 UTC', () => {
    const p = make({ field: 'timestamp', formats: ['ISO8601', 'dd/MMM/yyyy:HH:mm:ss Z', 'UNIX'] });
    expect(p.apply({ timestamp: '10/Oct/2000:13:55:36 -0700' })).toEqual({
      timestamp: '10/Oct/2000:13:55:36 -0700',
      '@timestamp': '2000-10-10T20:55:36.000Z',
    });
    expect(p.apply({ timestamp: 1700000000 })['@timestamp' as never]).toBe('2023-11-14T22:13:20.000Z');
  });

  it('accepts Logstash match, a target and a timezone', () => {
    const p = make({
      match: ['log.ts', 'yyyy-MM-dd HH:mm:ss'],
      target: 'event.created',
      timezone: 'Europe/Berlin',
    });
    expect(p.apply({ log: { ts: '2024-01-15 12:00:00' } })).toEqual({
      log: { ts: '2024-01-15 12:00:00' },
      event: { created: '2024-01-15T11:00:00.000Z' },
    });
  });

  it('takes a fixed offset as a zone, or the zone from a field of the event', () => {
    const fixed = make({ field: 't', formats: ['yyyy-MM-dd HH:mm:ss'], timezone: '-02:00' });
    expect(fixed.apply({ t: '2019-06-14 10:40:20' })['@timestamp' as never]).toBe('2019-06-14T12:40:20.000Z');
    // As Filebeat's modules read syslog times in the shipper's zone (event.timezone).
    const perEvent = make({
      field: 't',
      formats: ['MMM dd HH:mm:ss', 'ISO8601'],
      timezone: '%{[event][timezone]}',
    });
    const at = (t: string, timezone?: string) =>
      perEvent.apply({ t, ...(timezone === undefined ? {} : { event: { timezone } }) })[
        '@timestamp' as never
      ];
    expect(at('2019-06-14T10:40:20.912', '-02:00')).toBe('2019-06-14T12:40:20.912Z');
    expect(at('2019-06-14T10:40:20', 'Europe/Berlin')).toBe('2019-06-14T08:40:20.000Z');
    expect(at('2019-06-14T10:40:20+01:00', 'Europe/Berlin')).toBe('2019-06-14T09:40:20.000Z');
    // Absent or not a zone: UTC.
    expect(at('2019-06-14T10:40:20')).toBe('2019-06-14T10:40:20.000Z');
    expect(at('2019-06-14T10:40:20', 'Mars/Base')).toBe('2019-06-14T10:40:20.000Z');
    expect(message({ field: 't', formats: ['ISO8601'], timezone: '%{}' })).toMatch(/"timezone" must be/);
  });

  it('tags failures, leaves the event otherwise untouched, ignores a missing field', () => {
    const p = make({ field: 'ts', formats: ['ISO8601'] });
    expect(p.apply({ ts: 'garbage', tags: ['a'] })).toEqual({
      ts: 'garbage',
      tags: ['a', '_dateparsefailure'],
    });
    expect(p.apply({ ts: { nested: 1 } })).toEqual({ ts: { nested: 1 }, tags: ['_dateparsefailure'] });
    expect(p.apply({ other: 1 })).toEqual({ other: 1 });
    const custom = make({ field: 'ts', formats: ['ISO8601'], tag_on_failure: ['x', 'y'] });
    expect(custom.apply({ ts: 'bad' })).toEqual({ ts: 'bad', tags: ['x', 'y'] });
  });

  it('validates options with messages naming the place, key and value', () => {
    expect(message({ field: 'timestamp', formats: 'abc' })).toBe(
      'p.yaml:3: processor 2 (date): "formats" must be a non-empty list of date formats, got "abc"',
    );
    expect(message({ field: 'timestamp', formats: [] })).toBe(
      'p.yaml:3: processor 2 (date): "formats" must be a non-empty list of date formats, got []',
    );
    expect(message({ formats: ['ISO8601'] })).toBe(
      'p.yaml:3: processor 2 (date): "field" must be a field name such as "message", got nothing',
    );
    expect(message({ field: 't', formats: ['yyyy QQ'] })).toMatch(
      /^p\.yaml:3: processor 2 \(date\): "formats": unsupported date pattern letters "QQ" in "yyyy QQ"/,
    );
    expect(message({ field: 't', formats: ['ISO8601'], timezone: 'Mars/Base' })).toBe(
      'p.yaml:3: processor 2 (date): "timezone" must be an IANA time zone such as "UTC" or "Europe/Berlin", or an offset such as "+01:00", got "Mars/Base"',
    );
    expect(message({ field: 't', format: ['ISO8601'] })).toBe(
      'p.yaml:3: processor 2 (date): unknown option "format"; valid options: field, formats, match, target, timezone, tag_on_failure',
    );
    expect(message({ match: ['t'] })).toBe(
      'p.yaml:3: processor 2 (date): "match" must be a field followed by at least one date format, got ["t"]',
    );
  });
});
