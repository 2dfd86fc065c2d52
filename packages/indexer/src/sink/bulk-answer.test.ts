import { Serializer } from '@elastic/elasticsearch';
import { describe, expect, it } from 'vitest';
import { BulkAnswerSerializer } from './bulk-answer.js';

const ours = new BulkAnswerSerializer();
const theirs = new Serializer();

/** A bulk answer as Elasticsearch writes it under the sink's filter_path, items of the given statuses. */
function answer(statuses: readonly number[], errorsFirst = true): string {
  const errors = statuses.some((s) => s >= 300);
  const items = statuses.map((status) => ({
    create: status >= 300 ? { status, error: { type: 'some_exception', reason: 'no' } } : { status },
  }));
  return JSON.stringify(errorsFirst ? { errors, items } : { items, errors });
}

describe('BulkAnswerSerializer', () => {
  it('reads a clean bulk answer as errors: false without its items', () => {
    expect(ours.deserialize(answer([201, 201, 200]))).toEqual({ errors: false });
    expect(ours.deserialize('{"errors":false,"items":[]}')).toEqual({ errors: false });
  });

  it('says errors exactly as the full parse does, and parses every other answer in full', () => {
    // Answers of 0 to 40 items with statuses drawn from what the policy knows (seeded).
    let seed = 42;
    const next = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed;
    };
    const kinds = [200, 201, 201, 201, 409, 400, 429, 500, 503];
    for (let run = 0; run < 500; run++) {
      const statuses = Array.from({ length: next() % 41 }, () => kinds[next() % kinds.length] as number);
      const errorsFirst = next() % 4 !== 0;
      const json = answer(statuses, errorsFirst);
      const full = theirs.deserialize<{ errors: boolean }>(json);
      const read = ours.deserialize<{ errors: boolean }>(json);
      expect(read.errors).toBe(full.errors);
      // Only a clean answer is shortened; one with a failed item keeps every item.
      if (full.errors || !errorsFirst) expect(read).toEqual(full);
    }
  });

  it('leaves other bodies, and answers not closed as a whole object, to the client parser', () => {
    for (const json of [
      '{"acknowledged":true}',
      '[1,2]',
      '{"errors":true,"items":[{"create":{"status":409}}]}',
    ])
      expect(ours.deserialize(json)).toEqual(theirs.deserialize(json));
    // Truncated: the client's own error, as before.
    expect(() => ours.deserialize('{"errors":false,"items":[{"create":{"status":201}}')).toThrow(
      /JSON|Unexpected|Expected/,
    );
    expect(() => ours.deserialize('{"errors":false,"items":[{"create":{"status":201}}]')).toThrow();
  });
});
