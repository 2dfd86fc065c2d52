import type { OutboundRecord } from '@sluice/core';
import { describe, expect, it } from 'vitest';
import { isPoison } from '../wire.js';
import { decodeAmqp, encodeAmqp } from './codec.js';

const record: OutboundRecord = {
  id: 'abc123',
  line: '127.0.0.1 - - [10/Oct/2000:13:55:36 -0700] "GET / HTTP/1.0" 200 2326',
  source: '/var/log/nginx/access.log',
  offset: 4096,
  shippedAt: Date.UTC(2026, 0, 2, 3, 4, 5),
  fields: { 'host.name': 'web-1', tags: ['edge'] },
};
describe('AMQP wire format', () => {
  it('round-trips AMQP messages: raw body, id and coordinates in properties', () => {
    const msg = encodeAmqp(record);
    expect(msg.body.toString()).toBe(record.line);
    expect(msg.messageId).toBe('abc123');
    const decoded = decodeAmqp(
      msg.body,
      { messageId: msg.messageId, contentType: msg.contentType, headers: msg.headers },
      { origin: 'amqp:q', stream: 'q' },
    );
    expect(decoded).toEqual({
      id: 'abc123',
      line: record.line,
      source: record.source,
      offset: 4096,
      shippedAt: record.shippedAt,
      format: 'sluice',
      fields: { host: { name: 'web-1' }, tags: ['edge'] },
      origin: 'amqp:q',
    });
    const foreign = decodeAmqp(
      Buffer.from('{"message":'),
      { contentType: 'application/json' },
      { origin: 'amqp:q', stream: 'q' },
    );
    expect(isPoison(foreign)).toBe(true);
  });
});
