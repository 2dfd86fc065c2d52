import type { InboundRecord } from '@sluice/core';
import fc from 'fast-check';
import { expect, test } from 'vitest';
import { fromWire, toWire } from './wire.js';

test('a batch survives the trip into a worker: lines, ids, times, formats and fields, in order', () => {
  const record = fc.record(
    {
      id: fc.string({ maxLength: 30 }),
      line: fc.string({ maxLength: 200, unit: 'binary' }),
      shippedAt: fc.integer({ min: 0, max: 2 ** 45 }),
      format: fc.constantFrom('sluice', 'beats', 'logstash', 'raw'),
      fields: fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 3 }),
      origin: fc.constant('o'),
    },
    { requiredKeys: ['id', 'line', 'format', 'origin'] },
  );
  fc.assert(
    // Chunks of 1..300 characters put chunk boundaries everywhere: before and after empty
    // lines, at a line's exact end, inside what would have been one chunk.
    fc.property(
      fc.array(record, { maxLength: 20 }),
      fc.integer({ min: 1, max: 300 }),
      (records, chunkChars) => {
        const back = fromWire(structuredClone(toWire(records as InboundRecord[], chunkChars)));
        expect(back).toEqual(
          records.map(({ origin: _origin, ...rest }) =>
            rest.fields === undefined ? rest : { ...rest, fields: JSON.parse(JSON.stringify(rest.fields)) },
          ),
        );
      },
    ),
  );
});
