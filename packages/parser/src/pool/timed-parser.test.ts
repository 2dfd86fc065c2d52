import type { InboundRecord } from '@sluice/core';
import { afterEach, describe, expect, test } from 'vitest';
import { TimedParser } from './timed-parser.js';

// A real worker thread from dist/ (built by `pnpm test`), as the CLI runs it.
const records = (...lines: string[]): InboundRecord[] =>
  lines.map((line, i) => ({ id: `r${i}`, line, format: 'raw', origin: 'test' }));

/** 2^40 ways to split the a's before failing on the '!': never ends without the budget. */
const REDOS_LINE = `${'a'.repeat(40)}!`;

const open: TimedParser[] = [];
afterEach(async () => {
  for (const parser of open.splice(0)) await parser.close();
});

async function create(...args: Parameters<typeof TimedParser.create>): Promise<TimedParser> {
  const parser = await TimedParser.create(...args);
  open.push(parser);
  return parser;
}

describe('TimedParser', () => {
  test('grok: captures or null per record, in order', async () => {
    const parser = await create({ kind: 'grok', patterns: ['^%{WORD:verb} %{INT:n:int}$'] });
    const results = await parser.parse(records('add 3', 'nope'));
    expect(results.map((r) => r.json)).toEqual(['{"verb":"add","n":3}', 'null']);
    expect(results.map((r) => r.failures)).toEqual([[], ['_grokparsefailure']]);
  });

  test('a record past the budget is emitted unparsed with _groktimeout; the records around it are parsed', async () => {
    const parser = await create(
      { kind: 'pipeline', source: { patterns: ['^(?<word>a+)+$'] } },
      { budgetMs: 50 },
    );
    const results = await parser.parse(records('aaa', REDOS_LINE, 'aa'));
    expect(results.map((r) => r.timedOut)).toEqual([false, true, false]);
    const events = results.map((r) => JSON.parse(r.json as string) as { message: string; tags?: string[] });
    expect(events[1]).toMatchObject({ message: REDOS_LINE, tags: ['_groktimeout'] });
    expect(results[1]?.failures).toEqual(['_groktimeout']);
    expect(events[2]).toMatchObject({ message: 'aa', word: 'aa' });
    expect(events[2]?.tags).toBeUndefined();
    // The replacement worker goes on with the next batch.
    const next = await parser.parse(records('a', REDOS_LINE));
    expect(next.map((r) => r.timedOut)).toEqual([false, true]);
  });

  test('per-pattern counts accumulate across batches', async () => {
    const parser = await create({ kind: 'pipeline', source: { patterns: ['^%{INT:n}$', '^%{WORD:w}$'] } });
    await parser.parse(records('1', 'x', '-'));
    await parser.parse(records('2'));
    const stats = new Map(
      parser.patternStats().map(([label, matches, misses]) => [label, [matches, misses]]),
    );
    expect(stats.get('^%{INT:n}$')).toEqual([2, 2]);
    expect(stats.get('^%{WORD:w}$')).toEqual([1, 1]);
  });

  test('a bad pipeline or budget is a ConfigError before any worker starts', async () => {
    await expect(TimedParser.create({ kind: 'grok', patterns: ['%{NOPE}'] })).rejects.toThrow(
      /unknown grok pattern %\{NOPE\}/,
    );
    await expect(TimedParser.create({ kind: 'grok', patterns: ['x'] }, { budgetMs: 5 })).rejects.toThrow(
      /between 10 and 60000 ms, got 5/,
    );
  });
});
