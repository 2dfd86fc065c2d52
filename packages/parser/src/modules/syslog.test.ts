import { describe, expect, test } from 'vitest';
import { compilePipeline } from '../pipeline/compile.js';
import { runRecord } from '../pool/event.js';
import { resolveModule } from './index.js';

const CLOCK = Date.parse('2026-11-23T12:00:00.000Z');
const parse = (module: string, line: string, fields?: Record<string, string>) =>
  runRecord(
    compilePipeline([{ module }], { resolveModule, where: () => 'pipeline', now: () => CLOCK }),
    { id: 'id', line, format: 'raw', ...(fields === undefined ? {} : { fields }) },
    false,
    CLOCK,
  );

describe('syslog times without a zone are read in the shipper zone (event.timezone), as Filebeat does', () => {
  test.each([
    ['syslog.rfc3164', 'Jun 14 10:40:20 localhost sudo: x'],
    ['auth', 'Jun 14 10:40:20 localhost sudo: x'],
    ['syslog.rfc3164', '2026-06-14T10:40:20.912134 localhost sudo: x'],
  ])('%s: %s', (module, line) => {
    const utc = parse(module, line)['@timestamp'] as string;
    expect(utc.startsWith('2026-06-14T10:40:20.')).toBe(true);
    expect(parse(module, line, { 'event.timezone': '-02:00' })['@timestamp']).toBe(
      utc.replace('T10:', 'T12:'),
    );
    expect(parse(module, line, { 'event.timezone': 'Europe/Berlin' })['@timestamp']).toBe(
      utc.replace('T10:', 'T08:'),
    );
  });

  test('a time with its own offset keeps it', () => {
    const line = '2026-06-14T10:40:20+04:00 host prog[1]: x';
    expect(parse('syslog.rfc3164', line, { 'event.timezone': '-02:00' })['@timestamp']).toBe(
      '2026-06-14T06:40:20.000Z',
    );
  });
});
