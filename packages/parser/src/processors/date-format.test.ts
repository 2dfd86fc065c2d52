import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileDateFormat, DateFormatError, toIsoString } from './date-format.js';

const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString());
const parse = (format: string, value: string | number, timezone?: string, now?: string) =>
  iso(
    compileDateFormat(format, {
      ...(timezone ? { timezone } : {}),
      ...(now ? { now: () => Date.parse(now) } : {}),
    })(value),
  );

describe('compileDateFormat: Joda patterns', () => {
  it('parses the common log formats', () => {
    expect(parse('dd/MMM/yyyy:HH:mm:ss Z', '10/Oct/2000:13:55:36 -0700')).toBe('2000-10-10T20:55:36.000Z');
    expect(parse('dd/MMM/yyyy:HH:mm:ss Z', '10/oct/2000:13:55:36 +05:30')).toBe('2000-10-10T08:25:36.000Z');
    expect(parse('yyyy-MM-dd HH:mm:ss,SSS', '2024-02-29 23:59:59,123')).toBe('2024-02-29T23:59:59.123Z');
    expect(parse('yyyy-MM-dd HH:mm:ss.SSSSSS', '2024-02-29 23:59:59.123456')).toBe(
      '2024-02-29T23:59:59.123Z',
    );
    expect(parse("yyyy-MM-dd'T'HH:mm:ss.SSSZZ", '2024-05-01T12:00:00.5+02:00')).toBe(
      '2024-05-01T10:00:00.500Z',
    );
    expect(parse('EEE MMM dd HH:mm:ss yyyy', 'Wed Oct 11 14:32:52 2000')).toBe('2000-10-11T14:32:52.000Z');
    expect(parse('yyyyMMddHHmmss', '20240102030405')).toBe('2024-01-02T03:04:05.000Z');
    expect(parse('MM/dd/yy hh:mm:ss a', '03/04/24 12:05:00 AM', undefined, '2024-06-01T00:00:00Z')).toBe(
      '2024-03-04T00:05:00.000Z',
    );
    expect(parse('MM/dd/yy hh:mm:ss a', '03/04/24 01:05:00 pm', undefined, '2024-06-01T00:00:00Z')).toBe(
      '2024-03-04T13:05:00.000Z',
    );
    expect(parse('yyyy-MM-dd HH:mm:ss ZZZ', '2024-07-01 12:00:00 Europe/Berlin')).toBe(
      '2024-07-01T10:00:00.000Z',
    );
    expect(parse('yyyy-MM-dd HH:mm:ss z', '2024-07-01 12:00:00 PDT')).toBe('2024-07-01T19:00:00.000Z');
    expect(parse("yyyy-MM-dd''HH", "2024-07-01'12")).toBe('2024-07-01T12:00:00.000Z');
  });

  it('rejects values that do not fit, impossible dates included', () => {
    expect(parse('dd/MMM/yyyy:HH:mm:ss Z', '10/Foo/2000:13:55:36 -0700')).toBeUndefined();
    expect(parse('yyyy-MM-dd', '2023-02-29')).toBeUndefined();
    expect(parse('yyyy-MM-dd', '2023-13-01')).toBeUndefined();
    expect(parse('yyyy-MM-dd HH:mm', '2023-01-01 24:00')).toBeUndefined();
    expect(parse('yyyy-MM-dd', '2023-01-01 trailing')).toBeUndefined();
    expect(parse('EEE yyyy', 'Xyz 2020')).toBeUndefined();
    expect(parse('yyyy-MM-dd HH:mm:ss ZZZ', '2024-07-01 12:00:00 Mars/Olympus')).toBeUndefined();
  });

  it('infers the year of syslog dates from the clock', () => {
    // MMM  d (two spaces) and MMM dd both accept one- or two-digit days.
    expect(parse('MMM  d HH:mm:ss', 'Nov  3 10:00:00', undefined, '2024-11-03T12:00:00Z')).toBe(
      '2024-11-03T10:00:00.000Z',
    );
    expect(parse('MMM dd HH:mm:ss', 'Nov 13 10:00:00', undefined, '2024-11-14T00:00:00Z')).toBe(
      '2024-11-13T10:00:00.000Z',
    );
    // A December line read in January belongs to last year.
    expect(parse('MMM dd HH:mm:ss', 'Dec 31 23:59:59', undefined, '2025-01-01T00:00:05Z')).toBe(
      '2024-12-31T23:59:59.000Z',
    );
    // A January line read just before new year (shipper clock ahead) belongs to next year.
    expect(parse('MMM  d HH:mm:ss', 'Jan  1 00:00:01', undefined, '2024-12-31T23:59:50Z')).toBe(
      '2025-01-01T00:00:01.000Z',
    );
    // Feb 29 only exists in leap years: the latest leap year not in the future wins.
    expect(parse('MMM dd HH:mm:ss', 'Feb 29 10:00:00', undefined, '2024-03-01T00:00:00Z')).toBe(
      '2024-02-29T10:00:00.000Z',
    );
    expect(parse('MMM dd HH:mm:ss', 'Feb 29 10:00:00', undefined, '2027-06-01T00:00:00Z')).toBe(
      '2024-02-29T10:00:00.000Z',
    );
  });

  it('takes the current year for a date months back, not next year (the nearest date)', () => {
    // Read in late November, "Jan 15" is this January: 10 months back, not 2 months ahead.
    expect(parse('MMM dd HH:mm:ss', 'Jan 15 10:00:00', undefined, '2026-11-23T12:00:00Z')).toBe(
      '2026-01-15T10:00:00.000Z',
    );
    expect(parse('MMM dd HH:mm:ss', 'Mar 01 00:00:00', undefined, '2026-12-30T12:00:00Z')).toBe(
      '2026-03-01T00:00:00.000Z',
    );
    // Read on 1 January, a December line is last year's.
    expect(parse('MMM dd HH:mm:ss', 'Dec 15 08:00:00', undefined, '2027-01-01T09:00:00Z')).toBe(
      '2026-12-15T08:00:00.000Z',
    );
  });

  it('accepts a date up to one day ahead of the clock as this year, beyond that it is last year', () => {
    const now = '2026-06-10T12:00:00Z';
    // 23 hours ahead (a source zone east of UTC read as UTC): this year.
    expect(parse('MMM dd HH:mm:ss', 'Jun 11 11:00:00', undefined, now)).toBe('2026-06-11T11:00:00.000Z');
    // Exactly one day ahead: still this year; a second more is last year.
    expect(parse('MMM dd HH:mm:ss', 'Jun 11 12:00:00', undefined, now)).toBe('2026-06-11T12:00:00.000Z');
    expect(parse('MMM dd HH:mm:ss', 'Jun 11 12:00:01', undefined, now)).toBe('2025-06-11T12:00:01.000Z');
    // The margin applies to the instant after the timezone option converted it.
    expect(parse('MMM dd HH:mm:ss', 'Jun 11 20:00:00', 'Asia/Tokyo', now)).toBe('2026-06-11T11:00:00.000Z');
    // Across New Year: a January line read on 31 December evening is next year's only
    // within the margin.
    expect(parse('MMM dd HH:mm:ss', 'Jan 01 10:00:00', undefined, '2026-12-31T20:00:00Z')).toBe(
      '2027-01-01T10:00:00.000Z',
    );
    expect(parse('MMM dd HH:mm:ss', 'Jan 02 21:00:00', undefined, '2026-12-31T20:00:00Z')).toBe(
      '2026-01-02T21:00:00.000Z',
    );
  });

  it('applies the timezone option to zoneless formats, DST included', () => {
    expect(parse('yyyy-MM-dd HH:mm:ss', '2024-01-15 12:00:00', 'Europe/Berlin')).toBe(
      '2024-01-15T11:00:00.000Z',
    );
    expect(parse('yyyy-MM-dd HH:mm:ss', '2024-07-15 12:00:00', 'Europe/Berlin')).toBe(
      '2024-07-15T10:00:00.000Z',
    );
    expect(parse('yyyy-MM-dd HH:mm:ss', '2024-07-15 12:00:00', 'America/New_York')).toBe(
      '2024-07-15T16:00:00.000Z',
    );
    expect(parse('yyyy-MM-dd HH:mm:ss', '2024-07-15 12:00:00', 'Asia/Kathmandu')).toBe(
      '2024-07-15T06:15:00.000Z',
    );
    // Fall back: 02:30 happens twice in Berlin on 2024-10-27; the earlier instant wins.
    expect(parse('yyyy-MM-dd HH:mm:ss', '2024-10-27 02:30:00', 'Europe/Berlin')).toBe(
      '2024-10-27T00:30:00.000Z',
    );
    // Spring forward: 02:30 does not exist on 2024-03-31; it moves forward to 03:30 local.
    expect(parse('yyyy-MM-dd HH:mm:ss', '2024-03-31 02:30:00', 'Europe/Berlin')).toBe(
      '2024-03-31T01:30:00.000Z',
    );
    // An explicit offset wins over the option.
    expect(parse('yyyy-MM-dd HH:mm:ss Z', '2024-07-15 12:00:00 +0000', 'Europe/Berlin')).toBe(
      '2024-07-15T12:00:00.000Z',
    );
  });

  it('refuses bad formats at compile time', () => {
    expect(() => compileDateFormat('yyyy-MM-dd QQ')).toThrow(DateFormatError);
    expect(() => compileDateFormat('yyyy-MM-dd QQ')).toThrow(/unsupported date pattern letters "QQ"/);
    expect(() => compileDateFormat("yyyy 'unterminated")).toThrow(/unterminated quote/);
    expect(() => compileDateFormat('hh:mm')).toThrow(/without "a"/);
    expect(() => compileDateFormat('---')).toThrow(/no date or time fields/);
    expect(() => compileDateFormat('ISO8601', { timezone: 'Nowhere/Land' })).toThrow(
      /unknown time zone "Nowhere\/Land"/,
    );
  });
});

describe('compileDateFormat: named formats', () => {
  it('ISO8601 with and without zone, comma or dot fractions', () => {
    expect(parse('ISO8601', '2024-05-01T12:34:56.789Z')).toBe('2024-05-01T12:34:56.789Z');
    expect(parse('ISO8601', '2024-05-01T12:34:56+02:00')).toBe('2024-05-01T10:34:56.000Z');
    expect(parse('ISO8601', '2024-05-01T12:34:56-0130')).toBe('2024-05-01T14:04:56.000Z');
    expect(parse('ISO8601', '2024-05-01 12:34:56,5')).toBe('2024-05-01T12:34:56.500Z');
    expect(parse('ISO8601', '2024-05-01T12:34')).toBe('2024-05-01T12:34:00.000Z');
    expect(parse('ISO8601', '2024-05-01')).toBe('2024-05-01T00:00:00.000Z');
    expect(parse('ISO8601', '2024-05-01T12:34:56', 'America/New_York')).toBe('2024-05-01T16:34:56.000Z');
    expect(parse('ISO8601', '2024-05-32T12:34:56Z')).toBeUndefined();
    expect(parse('ISO8601', 'yesterday')).toBeUndefined();
  });

  it('UNIX, UNIX_MS and TAI64N', () => {
    expect(parse('UNIX', '1700000000')).toBe('2023-11-14T22:13:20.000Z');
    expect(parse('UNIX', 1700000000.25)).toBe('2023-11-14T22:13:20.250Z');
    expect(parse('UNIX', '1700000000.5')).toBe('2023-11-14T22:13:20.500Z');
    expect(parse('UNIX_MS', '1700000000123')).toBe('2023-11-14T22:13:20.123Z');
    expect(parse('UNIX_MS', 1700000000123)).toBe('2023-11-14T22:13:20.123Z');
    expect(parse('UNIX', '17e8')).toBeUndefined();
    expect(parse('UNIX', 'abc')).toBeUndefined();
    // 0x37c219bf seconds after the TAI64 label base, 0x2ef02e94 ns.
    expect(parse('TAI64N', '@4000000037c219bf2ef02e94')).toBe('1999-08-24T04:04:15.787Z');
    expect(parse('TAI64N', '@40000000zzzz')).toBeUndefined();
  });

  it('round-trips every instant through yyyy-MM-dd HH:mm:ss.SSS in any of several zones (property)', () => {
    const zones = ['UTC', 'Europe/Berlin', 'America/New_York', 'Australia/Lord_Howe', 'Asia/Kolkata'];
    const parsers = new Map(
      zones.map((z) => [z, compileDateFormat('yyyy-MM-dd HH:mm:ss.SSS', { timezone: z })]),
    );
    fc.assert(
      fc.property(
        fc.integer({ min: Date.UTC(1971, 0, 1), max: Date.UTC(2099, 0, 1) }),
        fc.constantFrom(...zones),
        (ms, zone) => {
          const f = new Intl.DateTimeFormat('en-CA', {
            timeZone: zone,
            hourCycle: 'h23',
            year: 'numeric',
            month: '2-digit',
            day: '2-digit',
            hour: '2-digit',
            minute: '2-digit',
            second: '2-digit',
          });
          const p = Object.fromEntries(f.formatToParts(ms).map((x) => [x.type, x.value]));
          const text = `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}:${p.second}.${String(ms % 1000).padStart(3, '0')}`;
          const back = parsers.get(zone)?.(text);
          // In a DST overlap the wall time is ambiguous: the earlier instant is chosen.
          expect(back === ms || (back !== undefined && back < ms && ms - back <= 3_600_000)).toBe(true);
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('toIsoString', () => {
  it('matches Date#toISOString everywhere in years 0-9999 and beyond (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: -62198755200000, max: 253402300800000 + 1e11 }), (ms) => {
        expect(toIsoString(ms)).toBe(new Date(ms).toISOString());
      }),
      { numRuns: 2000 },
    );
    for (const ms of [0, -1, 951782400000, 253402300799999, -62167219200000])
      expect(toIsoString(ms)).toBe(new Date(ms).toISOString());
  });
});

describe('compileDateFormat: the last text is remembered only where the clock plays no part', () => {
  it('gives a repeated text, after any other, what a fresh parser gives', () => {
    const format = 'dd/MMM/yyyy:HH:mm:ss Z';
    const texts = [
      '15/Jan/2026:10:00:00 +0000',
      '15/Jan/2026:10:00:00 +0000',
      '31/Feb/2026:10:00:00 +0000',
      '31/Feb/2026:10:00:00 +0000',
      '15/Jan/2026:10:00:00 +0100',
      '15/Jan/2026:10:00:00 +0000',
    ];
    const parse = compileDateFormat(format);
    for (const text of texts) expect(parse(text)).toBe(compileDateFormat(format)(text));
    expect(parse('31/Feb/2026:10:00:00 +0000')).toBeUndefined();
  });

  it('reads the clock again for a repeated text without a year, or with two digits of it', () => {
    let now = Date.UTC(2025, 5, 1);
    const clock = () => now;
    const noYear = compileDateFormat('MMM dd HH:mm:ss', { now: clock });
    const shortYear = compileDateFormat('dd/MM/yy', { now: clock });
    expect(toIsoString(noYear('Mar 01 10:00:00') as number)).toBe('2025-03-01T10:00:00.000Z');
    const pivot = shortYear('01/03/75');
    now = Date.UTC(2031, 5, 1);
    expect(toIsoString(noYear('Mar 01 10:00:00') as number)).toBe('2031-03-01T10:00:00.000Z');
    expect(shortYear('01/03/75')).toBe(compileDateFormat('dd/MM/yy', { now: clock })('01/03/75'));
    expect(typeof pivot).toBe('number');
  });
});

describe('compileDateFormat: the remembered last text', () => {
  it('gives what a fresh parser gives, for repeated texts and a clock that moves (year inference)', () => {
    const texts = fc.constantFrom(
      'Dec 31 23:59:59',
      'Jan  1 00:00:00',
      'Jan 1 00:00:00',
      'Jan  1 00:00:00',
      'Jan 1 00:00:01',
      'Feb 29 12:00:00',
      'Feb 30 12:00:00',
      'Jun 15 10:00:00',
      'Jun 15 10:00:00 +0200',
      'nonsense',
    );
    // Around New Year (where next year starts to qualify) and the margins of the dates
    // above, to the millisecond, and a leap year.
    const DAY = 86_400_000;
    const clocks = fc.oneof(
      fc
        .constantFrom(
          '2024-12-31T23:30:00Z',
          '2025-01-01T00:30:00Z',
          '2025-06-15T10:00:00Z',
          '2028-03-01T00:00:00Z',
          '2025-12-30T23:59:00Z',
          '2025-12-30T00:00:00Z',
          '2025-06-14T10:00:00Z',
          // Either side of a boundary, to the millisecond: next year starts to qualify
          // (New Year less two days), "Jun 15 10:00:00" of 2025 starts to qualify.
          '2025-12-29T23:59:59.999Z',
          '2029-12-29T23:59:59.999Z',
          '2029-12-30T00:00:00.000Z',
          '2025-06-14T09:59:59.999Z',
        )
        .map((at) => new Date(at).toISOString()),
      fc
        .tuple(fc.constantFrom(2025, 2026, 2028, 2029), fc.integer({ min: -3 * DAY, max: 3 * DAY }))
        .map(([year, offset]) => new Date(Date.UTC(year, 0, 1) + offset).toISOString()),
      fc
        .integer({ min: -2 * DAY, max: 2 * DAY })
        .map((o) => new Date(Date.UTC(2025, 5, 14, 10) + o).toISOString()),
    );
    for (const [format, timezone] of [
      ['MMM d HH:mm:ss', 'UTC'],
      ['MMM d HH:mm:ss', 'Europe/Berlin'],
      ['MMM d HH:mm:ss Z', 'UTC'],
      ['dd/MMM/yyyy:HH:mm:ss Z', 'UTC'],
    ] as const) {
      fc.assert(
        fc.property(fc.array(fc.tuple(texts, clocks), { minLength: 1, maxLength: 24 }), (calls) => {
          let clock = 0;
          const remembered = compileDateFormat(format, { timezone, now: () => clock });
          for (const [text, at] of calls) {
            clock = Date.parse(at);
            const fresh = compileDateFormat(format, { timezone, now: () => clock });
            expect(remembered(text)).toBe(fresh(text));
          }
        }),
        { numRuns: 1000 },
      );
    }
  });
});
