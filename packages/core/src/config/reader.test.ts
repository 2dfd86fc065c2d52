import { describe, expect, it } from 'vitest';
import { configJsonSchema, parseConfigText, validateConfig } from './reader.js';
import { duration, integer, section, text, z } from './schema.js';
import { parseDuration, parseSize, readInteger } from './values.js';

const schema = section(
  {
    url: text(),
    batch_size: integer(1, 100, 'Records per batch.').optional(),
    linger: duration(0, 60_000).optional(),
    items: z
      .array(section({ name: text(), max_lines: integer(1, 10).optional() }, { is: 'a map' }))
      .optional(),
  },
  { is: 'a map with url' },
);

describe('config reader', () => {
  it('reads a valid file into typed values', () => {
    const { value, deprecations } = parseConfigText('url: x\nlinger: 2s\nbatch_size: 5\n', 'a.yaml', schema);
    expect(value).toEqual({ url: 'x', linger: 2_000, batch_size: 5 });
    expect(deprecations).toEqual([]);
  });

  it('an unknown key: file:line:column, and a suggestion when one is close', () => {
    expect(() => parseConfigText('url: x\nitems:\n  - name: a\n    max_lnes: 3\n', 'a.yaml', schema)).toThrow(
      'a.yaml: items[0].max_lnes is not a known setting; did you mean max_lines? (known: name, max_lines) (at a.yaml:4:5)',
    );
  });

  it('a wrong type: file:line:column of the key', () => {
    expect(() => parseConfigText('url: x\nbatch_size: many\n', 'a.yaml', schema)).toThrow(
      'a.yaml: batch_size must be a whole number from 1 to 100, got "many" (at a.yaml:2:1)',
    );
  });

  it('out of range: file:line:column', () => {
    expect(() => parseConfigText('url: x\nlinger: 2m\n', 'a.yaml', schema)).toThrow(
      'a.yaml: linger must be between 0ms and 60000ms, got "2m" (at a.yaml:2:1)',
    );
  });

  it('a missing key names the map it is missing from', () => {
    expect(() => parseConfigText('url: x\nitems:\n  - max_lines: 2\n', 'a.yaml', schema)).toThrow(
      'a.yaml: items[0].name is required (in the map at a.yaml:3:5)',
    );
  });

  it('reads the old camelCase spelling, with a deprecation naming the new key', () => {
    const { value, deprecations } = parseConfigText('url: x\nbatchSize: 5\n', 'a.yaml', schema);
    expect(value.batch_size).toBe(5);
    expect(deprecations.map((d) => d.message)).toEqual([
      'a.yaml: batchSize is deprecated: write batch_size instead (at a.yaml:2:1)',
    ]);
  });

  it('errors name a key as written, in its old spelling too', () => {
    expect(() => validateConfig(schema, { url: 'x', batchSize: 0 })).toThrow(
      'batchSize must be a whole number from 1 to 100, got 0',
    );
  });

  it('publishes a JSON Schema of what may be written', () => {
    const json = configJsonSchema(schema, { title: 't' });
    expect(json).toMatchObject({
      title: 't',
      type: 'object',
      additionalProperties: false,
      required: ['url'],
      properties: {
        batch_size: { type: 'integer', minimum: 1, maximum: 100, description: 'Records per batch.' },
      },
    });
  });
});

describe('config values', () => {
  it('one duration parser, one size parser, one integer rule', () => {
    expect(parseDuration('1.5s', 'k', 0, 1e9)).toBe(1_500);
    expect(parseDuration('1h', 'k', 0, 1e9)).toBe(3_600_000);
    expect(() => parseDuration('soon', 'k', 0, 1e9)).toThrow(
      'k must be a duration like 250ms, 5s or 2m, got "soon"',
    );
    expect(parseSize('1MiB', 'k', 0, 1e9)).toBe(1_048_576);
    expect(readInteger('n', '7', { min: 1, max: 9 })).toBe(7);
    expect(() => readInteger('n', '0', { min: 1, max: 9, wording: 'between', quote: true })).toThrow(
      'n must be an integer between 1 and 9, got "0"',
    );
  });
});
