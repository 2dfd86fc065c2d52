import type { OutboundRecord } from '@sluice/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EnvelopeReader } from './envelope-reader.js';
import { decodePayload, decodePayloadGenerally, encodeEnvelope } from './wire.js';

const ctx = { origin: 'redis:logs', stream: 'logs' };

/** The same result, key order included (toEqual alone ignores the order of keys). */
function expectSameDecode(payload: string): void {
  const fast = decodePayload(payload, ctx);
  const general = decodePayloadGenerally(payload, ctx);
  expect(fast).toEqual(general);
  expect(JSON.stringify(fast)).toBe(JSON.stringify(general));
}

const fieldValue = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 12 }),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.string({ unit: 'binary', maxLength: 5 }), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 4 }), fc.string({ maxLength: 4 }), { maxKeys: 2 }),
);
/** Field names, the awkward ones often: dotted, envelope names, `__proto__`, integer-like. */
const fieldName = fc.oneof(
  fc.constantFrom(
    'host.name',
    'agent.id',
    'tags',
    'event.created',
    'message',
    '@timestamp',
    'log.level',
    'log.offset',
    'log.file.path',
    'log',
    'sluice',
    'sluice.id',
    '__proto__',
    '7',
    'a.__proto__.b',
  ),
  fc.string({ unit: 'binary', minLength: 1, maxLength: 8 }),
);
const outbound = fc.record({
  id: fc.oneof(fc.constantFrom('dVI3EKs8m0dCPZ5ImLJ0YiUl', ''), fc.string({ unit: 'binary', maxLength: 30 })),
  line: fc.oneof(
    fc.constantFrom(
      '1.2.3.4 - - [15/Jan/2026:10:00:00 +0000] "GET / HTTP/1.1" 200 5 "-" "curl/8"',
      'ends with a backslash \\',
      'quote at the end "',
      '","host":{"name":"vm"}',
    ),
    fc.string({ unit: 'binary', maxLength: 120 }),
  ),
  source: fc.oneof(
    fc.constantFrom('/var/log/a.log', 'C:\\logs\\a.log', 'stdin'),
    fc.string({ unit: 'binary' }),
  ),
  offset: fc.option(fc.oneof(fc.nat(), fc.constantFrom(0, 2 ** 53 - 1, 10 ** 15, 10 ** 15 - 1)), {
    nil: undefined,
  }),
  shippedAt: fc.oneof(fc.constantFrom(0, 1_796_450_751_438, 10 ** 15), fc.nat()),
  fields: fc.option(fc.dictionary(fieldName, fieldValue, { maxKeys: 4 }), { nil: undefined }),
});

function envelopeOf(r: {
  id: string;
  line: string;
  source: string;
  offset: number | undefined;
  shippedAt: number;
  fields: Record<string, unknown> | undefined;
}): string {
  const record: OutboundRecord = {
    id: r.id,
    line: r.line,
    source: r.source,
    ...(r.offset !== undefined ? { offset: r.offset } : {}),
    shippedAt: r.shippedAt,
    ...(r.fields !== undefined ? { fields: r.fields as OutboundRecord['fields'] } : {}),
  };
  return encodeEnvelope(record);
}

describe('envelope reader', () => {
  it('reads what the envelope writer writes, without JSON.parse of the whole', () => {
    const payload = encodeEnvelope({
      id: 'abc',
      line: 'GET "/" \\ é😀',
      source: '/a.log',
      offset: 7,
      shippedAt: 1_796_450_751_438,
      fields: { 'host.name': 'vm', 'agent.id': 'bench', tags: ['x'] },
    });
    const record = new EnvelopeReader().read(payload, 'redis:logs');
    expect(record).toBeDefined();
    expect(JSON.stringify(record)).toBe(JSON.stringify(decodePayloadGenerally(payload, ctx)));
    // The copy of the remembered fields is the record's own: a pipeline may change it.
    const reader = new EnvelopeReader();
    const a = reader.read(payload, 'o');
    const b = reader.read(payload, 'o');
    expect(a?.fields).toEqual(b?.fields);
    expect(a?.fields?.host).not.toBe(b?.fields?.host);
    expect(a?.fields?.tags).not.toBe(b?.fields?.tags);
  });

  it('gives the records and poison of JSON.parse for any envelope, lines after lines', () => {
    let taken = 0;
    const reader = new EnvelopeReader();
    fc.assert(
      fc.property(fc.array(outbound, { minLength: 1, maxLength: 6 }), (records) => {
        for (const r of records) {
          const payload = envelopeOf(r);
          expectSameDecode(payload);
          if (reader.read(payload, 'o') !== undefined) taken += 1;
        }
      }),
      { numRuns: 400 },
    );
    // The shortcut is taken for most of them (not only ever declined).
    expect(taken).toBeGreaterThan(400);
  });

  it('gives the same for hostile edits of an envelope: bytes changed, inserted, removed, cut', () => {
    const structural = fc.constantFrom(
      '"',
      '\\',
      ',',
      '{',
      '}',
      ':',
      '0',
      ' ',
      '\u0000',
      'é',
      '\ud800',
      '1',
      'a',
    );
    fc.assert(
      fc.property(
        outbound,
        fc.array(
          fc.record({
            at: fc.nat(),
            kind: fc.constantFrom('set', 'insert', 'delete', 'cut'),
            ch: structural,
          }),
          { minLength: 1, maxLength: 3 },
        ),
        (r, edits) => {
          const valid = envelopeOf(r);
          // The valid one first, so the reader remembers its fields and the edit meets that cache.
          expectSameDecode(valid);
          let payload = valid;
          for (const { at, kind, ch } of edits) {
            const i = at % (payload.length + 1);
            if (kind === 'set') payload = payload.slice(0, i) + ch + payload.slice(i + 1);
            else if (kind === 'insert') payload = payload.slice(0, i) + ch + payload.slice(i);
            else if (kind === 'delete') payload = payload.slice(0, i) + payload.slice(i + 1);
            else payload = payload.slice(0, i);
          }
          expectSameDecode(payload);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('gives the same for hand-made look-alikes', () => {
    const base = encodeEnvelope({
      id: 'id1',
      line: 'plain',
      source: '/a.log',
      offset: 3,
      shippedAt: 5,
      fields: { 'host.name': 'vm' },
    });
    expect(base).toBe(
      '{"@timestamp":"1970-01-01T00:00:00.005Z","message":"plain","host":{"name":"vm"},"log":{"file":{"path":"/a.log"},"offset":3},"sluice":{"id":"id1","shipped_at":5}}',
    );
    const tail = ',"log":{"file":{"path":"/a.log"},"offset":3},"sluice":{"id":"id1","shipped_at":5}}';
    const head = '{"@timestamp":"1970-01-01T00:00:00.005Z","message":';
    const cases = [
      base,
      // The message ends with what looks like the remembered fields.
      `${head}"x\\",\\"host\\":{\\"name\\":\\"vm\\"}","host":{"name":"vm"}${tail}`,
      `${head}"x","host":{"name":"vm"},"host":{"name":"vm"}${tail}`,
      `${head}"x","host":{"name":"vm"},"message":"y"${tail}`,
      `${head}"x","host":{"name":"vm"},"sluice":{"id":"other"}${tail}`,
      `${head}"x","host":{"name":"vm"},"log":{"level":"info"}${tail}`,
      `${head}"x","__proto__":{"name":"vm"}${tail}`,
      `${head}"x",${tail}`,
      `${head}"x", ${tail}`,
      `${head}"x" ,"host":{"name":"vm"}${tail}`,
      `${head}"x","host":{"name":"vm"}${tail} `,
      `${head}"x","host":{"name":"vm"}${tail.replace('"offset":3', '"offset":03')}`,
      `${head}"x","host":{"name":"vm"}${tail.replace('"offset":3', '"offset":-3')}`,
      `${head}"x","host":{"name":"vm"}${tail.replace('"offset":3', '"offset":3.5')}`,
      `${head}"x","host":{"name":"vm"}${tail.replace('"offset":3', '"offset":1e3')}`,
      `${head}"x","host":{"name":"vm"}${tail.replace('"shipped_at":5', '"shipped_at":1234567890123456789')}`,
      `${head}"x","host":{"name":"vm"}${tail.replace('"id":"id1"', '"id":""')}`,
      `${head}"x","host":{"name":"vm"}${tail.replace('"id":"id1"', '"id":"a\\"b"')}`,
      `${head}"x","host":{"name":"vm"}${tail.replace('"/a.log"', '"C:\\\\a.log"')}`,
      `${head}"x","host":{"name":"vm"}${tail.replace('"/a.log"', '"\\u0041"')}`,
      `${head}"x","host":{"name":"vm"}${tail.replace('"/a.log"', '7')}`,
      `${head}"x","host":${'['.repeat(30)}${']'.repeat(30)}${tail}`,
      `${head}"x","host":${'{"a":'.repeat(25)}1${'}'.repeat(25)}${tail}`,
      `${head}"a\u0001b","host":{"name":"vm"}${tail}`,
      `${head}"\\ud83d\\ude00\\ud800","host":{"name":"vm"}${tail}`,
      head.replace('"1970', '"19\\"70') + `"x","host":{"name":"vm"}${tail}`,
      `${head}"x","host":{"name":"vm"}${tail.slice(0, -1)}`,
      // Fields after `log`, as the shipper's envelopes have them (event.created after log.offset).
      `${head}"x","host":{"name":"vm"}${tail.replace('},"sluice"', '},"event":{"created":"t"},"sluice"')}`,
      `${head}"x"${tail.replace('},"sluice"', '},"event":{"created":"t"},"sluice"')}`,
      `${head}"x","host":{"name":"vm"}${tail.replace('},"sluice"', '},"host":{"name":"other"},"sluice"')}`,
      `${head}"x","host":{"name":"vm"}${tail.replace('},"sluice"', '},"message":"y","sluice"')}`,
      `${head}"x","host":{"name":"vm"}${tail.replace('},"sluice"', '},"log":{"level":"info"},"sluice"')}`,
      `${head}"x","host":{"name":"vm"}${tail.replace('},"sluice"', '},,"sluice"')}`,
      `${head}"x","host":{"name":"vm"}${tail.replace('},"sluice"', '} ,"event":1,"sluice"')}`,
      `${head}"x","host":{"name":"vm"}${tail.replace('"offset":3}', '"offset":3,"level":"x"}')}`,
      `${head}"x","host":{"name":"vm"}${tail.replace('"offset":3}', '"offset":3 }')}`,
      // A `log` inside a field's object: the halves around it are unbalanced.
      `${head}"x","k":{"a":1${tail.replace('},"sluice"', '}},"sluice"')}`,
      `${head}"x","log":{"file":{"path":"p"},"offset":1},"k":{"a":1${tail.replace('},"sluice"', '}},"sluice"')}`,
      `${head}"x","k":[{"a":1${tail.replace('},"sluice"', '}],"sluice"')}`,
    ];
    for (const payload of cases) expectSameDecode(payload);
  });
});
