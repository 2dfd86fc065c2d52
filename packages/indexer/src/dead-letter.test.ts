import { type InboundRecord, setField } from '@sluice/core';
import { describe, expect, it } from 'vitest';
import { type DeadLetterEntry, deadLetterFromRecord, deadLetterRecord } from './dead-letter.js';

const entry: DeadLetterEntry = {
  id: 'rec-1',
  line: 'oops7 request 7 done',
  origin: 'logs/2@41',
  index: 'app-2026.11.23',
  status: 400,
  error: { type: 'document_parsing_exception', reason: 'failed to parse field [code] of type [long]' },
  at: Date.UTC(2026, 10, 23, 12, 0, 0),
};

const expected = {
  '@timestamp': '2026-11-23T12:00:00.000Z',
  message: entry.line,
  error: entry.error,
  sluice: {
    record_id: 'rec-1',
    origin: 'logs/2@41',
    index: 'app-2026.11.23',
    status: 400,
    pipeline: 'module:x',
  },
};

describe('dead letters as broker records', () => {
  it('keep the original line under the record id, with the reason as fields', () => {
    const record = deadLetterRecord(entry, 'module:x');
    expect(record).toMatchObject({ id: 'rec-1', line: entry.line, source: 'logs/2@41', shippedAt: entry.at });
    expect(record.fields).toMatchObject({
      'error.type': 'document_parsing_exception',
      'dead_letter.status': 400,
      'dead_letter.index': 'app-2026.11.23',
      'dead_letter.pipeline': 'module:x',
    });
  });

  it('read back the same from flat fields (Kafka, RabbitMQ headers) and nested ones (a Redis envelope)', () => {
    const record = deadLetterRecord(entry, 'module:x');
    const flat: InboundRecord = {
      id: record.id,
      line: record.line,
      format: 'sluice',
      origin: 'dlq',
      fields: { ...record.fields },
    };
    expect(deadLetterFromRecord(flat)).toEqual(expected);
    const nested = {};
    for (const [key, value] of Object.entries(record.fields ?? {}))
      setField(nested, key, value as string | number);
    expect(deadLetterFromRecord({ ...flat, fields: nested })).toEqual(expected);
  });

  it('a plain record (not a dead letter) still replays its line under its own id', () => {
    const letter = deadLetterFromRecord({ id: 'x', line: 'hello', format: 'raw', origin: 'q', shippedAt: 0 });
    expect(letter).toEqual({
      '@timestamp': '1970-01-01T00:00:00.000Z',
      message: 'hello',
      error: { type: 'unknown', reason: '' },
      sluice: { record_id: 'x', origin: 'q', index: '', status: 0 },
    });
  });
});
