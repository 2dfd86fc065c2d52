import { ConfigError, type JsonValue, type LogEvent } from '@sluice/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compilePattern } from '../grok/compiler.js';
import { compilePipeline, PROCESSOR_FAILURE_TAG, type ProcessorSpec } from './compile.js';

/**
 * Property-based fuzzing of the processors and the grok compiler with hostile input
 * (issue 16). A processor's contract: after construction it never throws on data, it
 * tags. So on any event a pipeline returns an event or null, never `_processorfailure`
 * (that tag marks a processor that threw: a bug), and the event serialises. Runs are
 * bounded (numRuns) and seeded by fast-check, which prints the seed of a failure.
 */

/** Text that breaks naive parsers: separators, quotes, brackets, control characters, lone surrogates. */
const hostileText = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc.string({
    unit: fc.constantFrom(
      '=',
      ' ',
      '"',
      "'",
      '\\',
      '{',
      '}',
      '[',
      ']',
      ':',
      ',',
      '\u0000',
      '\r',
      '\n',
      'a',
      '1',
      '.',
      '-',
      '\ud800',
      '%',
    ),
    maxLength: 200,
  }),
  fc.json({ maxDepth: 4 }),
  fc.constantFrom(
    '{"__proto__":{"polluted":true}}',
    '{"constructor":{"prototype":{"x":1}}}',
    '{"index":{"_index":"x"}}',
    '1.'.repeat(2_000),
    `${'a'.repeat(40)}!`,
    `${'{"a":'.repeat(5_000)}1${'}'.repeat(5_000)}`,
  ),
);

const fieldValue: fc.Arbitrary<JsonValue> = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }) as fc.Arbitrary<JsonValue>,
  hostileText,
);

const event = fc.record({
  message: hostileText,
  tags: fc.option(
    fc.oneof(fc.array(fc.string({ maxLength: 10 }), { maxLength: 3 }), fc.string({ maxLength: 10 })),
    {
      nil: undefined,
    },
  ),
  other: fieldValue,
});

/** Every processor, configured as a user might, reading fields the fuzzer fills. */
const STEPS: ProcessorSpec[] = [
  { json: { field: 'message', target: 'parsed' } },
  { json: { field: 'message' } },
  { kv: { field: 'message', target: 'kv', field_split: ' &', trim_value: '"' } },
  { dissect: { field: 'message', pattern: '%{a} %{b}=%{c}' } },
  { grok: { field: 'message', patterns: ['%{IP:ip} %{WORD:verb} %{NUMBER:n:int}', '%{COMBINEDAPACHELOG}'] } },
  { date: { field: 'other', formats: ['ISO8601', 'UNIX', 'dd/MMM/yyyy:HH:mm:ss Z'], target: 'when' } },
  { mutate: { copy: { other: 'copied' }, convert: { copied: 'int' }, gsub: [['message', '[a-z]', 'X']] } },
  { mutate: { rename: { parsed: 'renamed' }, lowercase: ['message'], split: { copied: ',' } } },
  { mutate: { join: { other: ',' }, strip: ['message'], uppercase: ['kv'] } },
  { fingerprint: { fields: ['message', 'other', 'renamed'], target: 'fp' } },
  { redact: { fields: ['message', 'other', 'renamed'], mask_fields: ['kv'] } },
  { user_agent: { field: 'message', target: 'ua' } },
];

describe('processors never throw on hostile events', () => {
  const pipelines = STEPS.map((step) => {
    try {
      return { step, run: compilePipeline([step]) };
    } catch (error) {
      // A spec above that this build rejects is a test bug: say which.
      throw new Error(`fuzz step ${JSON.stringify(step)} does not compile: ${(error as Error).message}`);
    }
  });
  const all = compilePipeline(STEPS);

  for (const { step, run } of pipelines) {
    it(`${Object.keys(step)[0]}: ${JSON.stringify(step).slice(0, 80)}`, () => {
      fc.assert(
        fc.property(event, (input) => {
          const out = run(structuredClone(input) as LogEvent);
          if (out === null) return;
          expect(out.tags ?? [], JSON.stringify(out.sluice ?? null)).not.toContain(PROCESSOR_FAILURE_TAG);
          expect(() => JSON.stringify(out)).not.toThrow();
        }),
        { numRuns: 150 },
      );
    });
  }

  it('the whole chain, every processor in turn on the same event', () => {
    fc.assert(
      fc.property(event, (input) => {
        const out = all(structuredClone(input) as LogEvent);
        if (out === null) return;
        expect(out.tags ?? [], JSON.stringify(out.sluice ?? null)).not.toContain(PROCESSOR_FAILURE_TAG);
        expect(() => JSON.stringify(out)).not.toThrow();
        expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
        expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      }),
      { numRuns: 200 },
    );
  });
});

describe('the grok compiler on hostile patterns', () => {
  const piece = fc.constantFrom(
    '%{',
    '}',
    '%{WORD',
    '%{WORD:x}',
    '%{NUMBER:n:int}',
    '%{IP:[a][b]}',
    '%{DATA:x:float}',
    '(?<f>',
    '(?<[x][y]>',
    ')',
    '(',
    '[',
    ']',
    '\\',
    '*',
    '+',
    '?',
    '{2,1}',
    '{3}',
    'a',
    ' ',
    ':',
    '|',
    '^',
    '$',
    '(?>',
    '(?=',
    '\\d',
    '.',
  );
  const pattern = fc.array(piece, { maxLength: 12 }).map((parts) => parts.join(''));

  it('compiles a pattern or throws a ConfigError naming it; a compiled pattern never throws on a line', () => {
    fc.assert(
      fc.property(pattern, fc.string({ maxLength: 80 }), (source, line) => {
        let compiled: ReturnType<typeof compilePattern>;
        try {
          compiled = compilePattern(source);
        } catch (error) {
          expect(error).toBeInstanceOf(ConfigError);
          return;
        }
        const match = compiled.regex.exec(line);
        if (match) expect(() => compiled.apply({ message: line }, match)).not.toThrow();
      }),
      { numRuns: 500 },
    );
  });
});
