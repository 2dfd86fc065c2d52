import { readdirSync, readFileSync } from 'node:fs';
import type { LogEvent } from '@sluice/core';
import { describe, expect, test } from 'vitest';
import { createPipeline } from '../pool/create-pipeline.js';
import { compileSource } from '../pool/source.js';
import { moduleNames, modules } from './index.js';

/**
 * Fixture tests: fixtures/<module>.json holds real-looking lines (a multi-line event is one
 * line with \n inside, as the shipper's multi-line rule joins it) and the ECS event
 * expected for each. An expected `@timestamp` of "*" means "now" (a line without a
 * usable date); "*-10-01T09:12:03.000Z" means any year (syslog dates carry none and
 * the year is inferred from the clock).
 */
interface Fixture {
  readonly module: string;
  readonly cases: readonly { readonly line: string; readonly expected: LogEvent }[];
}

const fixtureDir = new URL('./fixtures/', import.meta.url);
const fixtures: Fixture[] = readdirSync(fixtureDir)
  .filter((f) => f.endsWith('.json'))
  .map((f) => JSON.parse(readFileSync(new URL(f, fixtureDir), 'utf8')) as Fixture);

const REQUIRED = [
  'nginx.access',
  'nginx.error',
  'apache.access',
  'apache.error',
  'syslog.rfc3164',
  'syslog.rfc5424',
  'auth',
  'python',
  'rails',
  'mysql.error',
  'mysql.slowlog',
  'docker',
  'java',
];

test('every module the issue names exists and has a fixture file', () => {
  expect(moduleNames()).toEqual([...REQUIRED].sort());
  expect(fixtures.map((f) => f.module).sort()).toEqual([...REQUIRED].sort());
});

test('every module compiles and has a one-line description', async () => {
  for (const name of moduleNames()) {
    await compileSource({ module: name });
    expect(modules[name]?.description).toMatch(/^[^\n]{10,120}$/);
  }
});

test('multi-line modules carry a start pattern for the shipper that matches first lines only', () => {
  for (const fixture of fixtures) {
    const rule = modules[fixture.module]?.multiline;
    if (!rule) continue;
    const start = new RegExp(rule.startPattern);
    for (const { line } of fixture.cases) {
      const [first, ...rest] = line.split('\n');
      expect(start.test(first as string), `${fixture.module}: ${first}`).toBe(true);
      for (const continuation of rest) expect(start.test(continuation), continuation).toBe(false);
    }
  }
});

describe.each(fixtures)('module $module', (fixture) => {
  test.each(fixture.cases.map((c, i) => [i + 1, c] as const))('case %i', async (_n, { line, expected }) => {
    const run = await createPipeline({ module: fixture.module });
    const started = Date.now();
    const events = run({ id: 'id', line, format: 'raw', origin: 'test' });
    expect(events).toHaveLength(1);
    const event = events[0] as LogEvent;
    const want = { ...expected };
    const ts = want['@timestamp'];
    if (typeof ts === 'string' && ts.startsWith('*')) {
      const actual = event['@timestamp'];
      expect(typeof actual).toBe('string');
      if (ts === '*') expect(Date.parse(actual as string)).toBeGreaterThanOrEqual(started - 1);
      else expect((actual as string).slice(4)).toBe(ts.slice(1));
      want['@timestamp'] = actual as string;
    }
    expect(event).toEqual(want);
  });
});
