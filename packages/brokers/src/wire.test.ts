import { contentId, type OutboundRecord } from '@sluice/core';
import { describe, expect, it } from 'vitest';
import { decodePayload, encodeBeatsEvent, encodeEnvelope, isPoison } from './wire.js';

const record: OutboundRecord = {
  id: 'abc123',
  line: '127.0.0.1 - - [10/Oct/2000:13:55:36 -0700] "GET / HTTP/1.0" 200 2326',
  source: '/var/log/nginx/access.log',
  offset: 4096,
  shippedAt: Date.UTC(2026, 0, 2, 3, 4, 5),
  fields: { 'host.name': 'web-1', tags: ['edge'] },
};
const ctx = { origin: 'redis:logs', stream: 'logs' };

describe('wire format', () => {
  it('round-trips the Sluice envelope, which reads like a Filebeat event', () => {
    const json = encodeEnvelope(record);
    expect(JSON.parse(json)).toEqual({
      '@timestamp': '2026-01-02T03:04:05.000Z',
      message: record.line,
      host: { name: 'web-1' },
      tags: ['edge'],
      log: { file: { path: record.source }, offset: 4096 },
      sluice: { id: 'abc123', shipped_at: record.shippedAt },
    });
    expect(decodePayload(json, ctx)).toEqual({
      id: 'abc123',
      line: record.line,
      source: record.source,
      offset: 4096,
      shippedAt: record.shippedAt,
      format: 'sluice',
      fields: {
        host: { name: 'web-1' },
        tags: ['edge'],
        log: { file: { path: record.source }, offset: 4096 },
      },
      origin: 'redis:logs',
    });
  });

  it('writes the beats form with the id in @metadata._id and reads it back', () => {
    const json = encodeBeatsEvent(record);
    const decoded = decodePayload(json, ctx);
    expect(decoded).toMatchObject({
      id: 'abc123',
      line: record.line,
      source: record.source,
      offset: 4096,
      format: 'beats',
    });
  });

  it('recognises a Filebeat event and gives it a content id', () => {
    const filebeat = JSON.stringify({
      '@timestamp': '2026-01-02T03:04:05.000Z',
      '@metadata': { beat: 'filebeat', type: '_doc', version: '8.19.0' },
      agent: { type: 'filebeat', version: '8.19.0' },
      log: { file: { path: '/var/log/syslog' }, offset: 77 },
      message: 'Jan  2 03:04:05 host sshd[1]: Accepted publickey',
      input: { type: 'filestream' },
    });
    expect(decodePayload(filebeat, ctx)).toEqual({
      id: contentId(filebeat, 'logs'),
      line: 'Jan  2 03:04:05 host sshd[1]: Accepted publickey',
      source: '/var/log/syslog',
      offset: 77,
      format: 'beats',
      fields: {
        '@timestamp': '2026-01-02T03:04:05.000Z',
        agent: { type: 'filebeat', version: '8.19.0' },
        log: { file: { path: '/var/log/syslog' }, offset: 77 },
        input: { type: 'filestream' },
      },
      origin: 'redis:logs',
    });
  });

  it('recognises a Logstash event, with the legacy path field as source', () => {
    const logstash = JSON.stringify({
      '@timestamp': '2026-01-02T03:04:05.000Z',
      '@version': '1',
      host: 'app-1',
      path: '/var/log/app.log',
      message: 'hello',
    });
    expect(decodePayload(logstash, ctx)).toMatchObject({
      line: 'hello',
      source: '/var/log/app.log',
      format: 'logstash',
      fields: { host: 'app-1' },
    });
  });

  it('keeps plain lines and other JSON objects as raw lines, with the fallback id when given', () => {
    expect(decodePayload('plain text', ctx)).toEqual({
      id: contentId('plain text', 'logs'),
      line: 'plain text',
      format: 'raw',
      origin: 'redis:logs',
    });
    expect(decodePayload('{"level":"info","msg":"x"}', { ...ctx, fallbackId: 't/0@5' })).toMatchObject({
      id: 't/0@5',
      format: 'raw',
    });
  });

  it('calls malformed JSON and broken envelopes poison', () => {
    for (const bad of [
      '{"message": "cut',
      '{"sluice":{"id":"x"}}',
      '{"sluice":{"id":7},"message":"m"}',
      ' {nope}',
    ]) {
      const decoded = decodePayload(bad, ctx);
      expect(isPoison(decoded), bad).toBe(true);
    }
    expect(isPoison(decodePayload('plain', { ...ctx, declaredJson: true }))).toBe(true);
    expect(isPoison(decodePayload('[1,2]', { ...ctx, declaredJson: true }))).toBe(true);
  });

  it('calls a Filebeat or Logstash event nested past the depth limit poison, before anything walks it', () => {
    const depth = 50_000;
    const deep = `{"@metadata":{"beat":"filebeat"},"message":"m","x":${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}}`;
    const decoded = decodePayload(deep, ctx);
    expect(isPoison(decoded)).toBe(true);
    expect(decoded).toMatchObject({ reason: 'JSON event nested deeper than 64 levels' });
    const shallow = `{"@metadata":{"beat":"filebeat"},"message":"m","x":${'{"a":'.repeat(10)}1${'}'.repeat(10)}}`;
    expect(isPoison(decodePayload(shallow, ctx))).toBe(false);
  });
});
