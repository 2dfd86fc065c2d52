import { describe, expect, it } from 'vitest';
import { ConfigError } from '../errors.js';
import {
  configJsonSchema,
  parseConfigDocument,
  parseConfigText,
  validateConfig,
  whereIn,
  yamlLocator,
} from './reader.js';
import { duration, integer, section, text, whole, withHint, z } from './schema.js';
import {
  booleanProblem,
  choiceProblem,
  numberProblem,
  parseDuration,
  parseSize,
  readInteger,
} from './values.js';

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

describe('config reader: the `where` style', () => {
  // A file kind whose messages start with their location and whose schema writes whole sentences.
  const steps = z.array(z.unknown(), {
    error: (i) => `"steps" must be a list, got ${JSON.stringify(i.input)}`,
  });
  const kind = z.strictObject(
    {
      mode: withHint(
        z.enum(['a', 'b'], { error: (i) => `"mode" must be a or b, got ${JSON.stringify(i.input)}` }),
        'a is the default',
      ),
      order: whole(
        z.array(z.number()).refine((l) => l.every((n, i) => i === 0 || n > (l[i - 1] as number))),
        (v) => `"order" must be increasing numbers, got ${JSON.stringify(v)}`,
      ).optional(),
      dirs: z
        .union(
          [
            z.string(),
            z.array(z.string({ error: (i) => `a dir must be text, got ${JSON.stringify(i.input)}` })),
          ],
          {
            error: () => '"dirs" must be a path or a list of them',
          },
        )
        .optional(),
      steps,
    },
    { error: (i) => (i.code === 'unrecognized_keys' ? `unknown key "${i.keys[0]}"` : 'must be a map') },
  );
  const read = (text: string, file = 'k.yaml') => {
    const { doc, lineCounter } = parseConfigDocument(text, file);
    try {
      validateConfig(kind, doc.toJS(), {
        where: whereIn(yamlLocator(doc, file, lineCounter)),
        camelCase: false,
      });
      return 'no error';
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      return `${(e as ConfigError).message}${(e as ConfigError).hint ? ` [hint: ${(e as ConfigError).hint}]` : ''}`;
    }
  };

  it('starts a message with file:line, and the column when it is not 1', () => {
    expect(read('mode: c\nsteps: []\n')).toBe(
      'k.yaml:1: "mode" must be a or b, got "c" [hint: a is the default]',
    );
    expect(read('{ steps: [], mode: c }')).toBe(
      'k.yaml:1:14: "mode" must be a or b, got "c" [hint: a is the default]',
    );
    expect(read('mode: a\n')).toBe('k.yaml:1: "steps" must be a list, got undefined');
  });

  it('a misspelt key goes before the key it leaves missing, with a "did you mean" hint', () => {
    expect(read('mode: a\nstep: []\n')).toBe('k.yaml:2: unknown key "step" [hint: did you mean steps?]');
    expect(read('mode: a\nsteps: []\nmodeCase: x\n')).toBe('k.yaml:3: unknown key "modeCase"');
  });

  it('reports a value marked whole as a whole, at its own position', () => {
    expect(read('mode: a\nsteps: []\norder:\n  - 1\n  - 1\n')).toBe(
      'k.yaml:3: "order" must be increasing numbers, got [1,1]',
    );
    expect(read('mode: a\nsteps: []\norder: [1, x]\n')).toBe(
      'k.yaml:3: "order" must be increasing numbers, got [1,"x"]',
    );
  });

  it('a union reports the problem of the option the value chose', () => {
    expect(read('mode: a\nsteps: []\ndirs: [a, 3]\n')).toBe('k.yaml:3:11: a dir must be text, got 3');
    expect(read('mode: a\nsteps: []\ndirs: { a: 1 }\n')).toBe(
      'k.yaml:3: "dirs" must be a path or a list of them',
    );
  });

  it('reads a .json file as JSON, with positions', () => {
    expect(read('{\n  "steps": [],\n  "mode": 3\n}\n', 'k.json')).toBe(
      'k.json:3:3: "mode" must be a or b, got 3 [hint: a is the default]',
    );
    expect(() => parseConfigDocument('{"steps": [}', 'k.json')).toThrow(/^k\.json:1: not valid JSON: /);
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

  it('one boolean, number and choice rule (processor options and schemas share them)', () => {
    expect(booleanProblem(true)).toBeUndefined();
    expect(booleanProblem('yes')).toBe('must be true or false, got "yes"');
    expect(numberProblem(0.5, 0, 1)).toBeUndefined();
    expect(numberProblem('1', 0, 1)).toBe('must be a number between 0 and 1, got "1"');
    expect(numberProblem(2, 0, 1, { shown: '***' })).toBe('must be a number between 0 and 1, got ***');
    expect(choiceProblem('a', ['a', 'b'])).toBeUndefined();
    expect(choiceProblem('c', ['a', 'b'])).toBe('must be one of a, b, got "c"');
    expect(choiceProblem(1, ['a', 'b'], { quoted: true })).toBe('must be one of "a", "b", got 1');
  });
});
