import { readdirSync, readFileSync } from 'node:fs';
import type { LogEvent } from '@sluice/core';
import { describe, expect, test } from 'vitest';
import { compilePipeline } from '../pipeline/compile.js';
import { runRecord } from '../pool/event.js';
import { compileSource } from '../pool/source.js';
import { moduleNames, modules, resolveModule } from './index.js';

/**
 * Fixture tests: fixtures/<module>.json holds real-looking lines (a multi-line event is one
 * line with \n inside, as the shipper's multi-line rule joins it) and the ECS event
 * expected for each, exactly. The pipelines run with the clock fixed at CLOCK: a line
 * without a usable date gets it as `@timestamp`, and syslog dates, which carry no year,
 * get the year inferred from it. CLOCK is late in November on purpose: a January line
 * then belongs to this year, not to the nearer next January.
 */
const CLOCK = Date.parse('2026-11-23T12:00:00.000Z');

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
  test.each(fixture.cases.map((c, i) => [i + 1, c] as const))('case %i', (_n, { line, expected }) => {
    const pipeline = compilePipeline([{ module: fixture.module }], {
      resolveModule,
      where: () => 'pipeline',
      now: () => CLOCK,
    });
    const event = runRecord(pipeline, { id: 'id', line, format: 'raw' }, false, CLOCK);
    expect(event).toEqual(expected);
  });
});
