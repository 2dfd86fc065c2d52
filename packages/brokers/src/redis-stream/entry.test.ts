import { describe, expect, it } from 'vitest';
import { isPoison } from '../wire.js';
import { decodeEntry } from './entry.js';

describe('decodeEntry', () => {
  it('decodes the data field as a list element is decoded, with the entry id for payloads without one', () => {
    expect(decodeEntry('logs', '1-0', ['data', 'a plain line'])).toEqual({
      id: 'logs@1-0',
      line: 'a plain line',
      format: 'raw',
      origin: 'redis-stream:logs@1-0',
    });
    const envelope = JSON.stringify({
      sluice: { id: 'abc' },
      message: 'm',
      '@timestamp': '2026-01-01T00:00:00Z',
    });
    expect(decodeEntry('logs', '2-0', ['data', envelope])).toMatchObject({
      id: 'abc',
      line: 'm',
      format: 'sluice',
    });
  });

  it('reads entries other programs wrote with a message field; other fields ride along', () => {
    expect(decodeEntry('logs', '3-1', ['level', 'info', 'message', 'hello', '__proto__', 'x'])).toEqual({
      id: 'logs@3-1',
      line: 'hello',
      format: 'raw',
      fields: { level: 'info' },
      origin: 'redis-stream:logs@3-1',
    });
  });

  it('calls an entry with neither field, or a broken envelope, poison', () => {
    expect(isPoison(decodeEntry('logs', '4-0', ['level', 'info']))).toBe(true);
    expect(isPoison(decodeEntry('logs', '5-0', ['data', '{"message":']))).toBe(true);
  });
});
