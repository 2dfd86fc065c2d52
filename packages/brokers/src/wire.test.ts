import { contentId, type OutboundRecord } from '@sluice/core';
import { describe, expect, it } from 'vitest';
import { decodePayload, encodeBeatsEvent, encodeEnvelope, encodeEnvelopeObject, isPoison } from './wire.js';

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

  describe('envelope writers (templates per field shape)', () => {
    // What a file input's record carries, in the order the shipper builds it.
    const shipped: OutboundRecord = {
      id: 'Qx3vKk',
      line: '1.2.3.4 - "GET /a?b=\\"c\\" HTTP/1.1" 200 5 \u00e9 \u2028 \t',
      source: '/var/log/app.log',
      offset: 4096,
      shippedAt: Date.UTC(2026, 0, 2, 3, 4, 5, 6),
      fields: {
        'service.name': 'shop',
        'host.name': 'web-1',
        'agent.id': 'web-1',
        'agent.type': 'sluice',
        'log.file.path': '/var/log/app.log',
        'event.created': '2026-01-02T03:04:05.006Z',
        'log.offset': 4096,
        tags: ['edge'],
      },
    };

    it('writes the same bytes as before, key order included', () => {
      const common = {
        '@timestamp': '2026-01-02T03:04:05.006Z',
        message: shipped.line,
        service: { name: 'shop' },
        host: { name: 'web-1' },
      };
      const rest = {
        log: { file: { path: '/var/log/app.log' }, offset: 4096 },
        event: { created: '2026-01-02T03:04:05.006Z' },
        tags: ['edge'],
      };
      expect(encodeEnvelope(shipped)).toBe(
        JSON.stringify({
          ...common,
          agent: { id: 'web-1', type: 'sluice' },
          ...rest,
          sluice: { id: 'Qx3vKk', shipped_at: shipped.shippedAt },
        }),
      );
      expect(encodeBeatsEvent(shipped)).toBe(
        JSON.stringify({
          ...common,
          agent: { type: 'sluice' },
          ...rest,
          '@metadata': { beat: 'sluice', type: '_doc', _id: 'Qx3vKk' },
          input: { type: 'log' },
          ecs: { version: '8.0.0' },
        }),
      );
    });

    it('matches the object form for awkward field sets, shape after shape', () => {
      const awkward: OutboundRecord[] = [
        { ...shipped, fields: undefined },
        { ...shipped, offset: undefined },
        { ...shipped, fields: {} },
        // Fields that collide with what the envelope writes itself, or with each other.
        { ...shipped, fields: { message: 'no', '@timestamp': 'early', sluice: 'x', 'sluice.id': 'y' } },
        { ...shipped, fields: { a: 1, 'a.b': 2, 'c.d': true, c: 'flat', 'log.file.path': 'other' } },
        { ...shipped, fields: { 'x.y.z': 'deep', 'x.y': ['list', 'of'], n: Number.NaN, e: '"\\\n' } },
        { ...shipped, fields: JSON.parse('{"__proto__":"own","q":"\\ue000-1\\ue001"}') },
        // A value the object form leaves out, and one it walks into: both take the plain path.
        { ...shipped, fields: { gone: undefined, kept: 'k' } as unknown as OutboundRecord['fields'] },
        { ...shipped, fields: { nested: { a: 1 } } as unknown as OutboundRecord['fields'] },
        { ...shipped, line: '', source: 'stdin', shippedAt: 0, id: 'with "quote"' },
      ];
      // Twice: the second pass reuses the templates the first one compiled.
      for (const pass of [1, 2]) {
        for (const r of awkward) {
          expect(encodeEnvelope(r), `pass ${pass}: ${JSON.stringify(r.fields)}`).toBe(
            encodeEnvelopeObject(r),
          );
          expect(encodeBeatsEvent(r), `pass ${pass}: ${JSON.stringify(r.fields)}`).toBe(
            encodeEnvelopeObject(r, 'beats'),
          );
        }
      }
    });

    it('gives each line its own values under a shared template', () => {
      const a = JSON.parse(encodeEnvelope({ ...shipped, line: 'one', offset: 1, id: 'i1' }));
      const b = JSON.parse(encodeEnvelope({ ...shipped, line: 'two', offset: 2, id: 'i2', shippedAt: 5 }));
      expect([a.message, a.log.offset, a.sluice.id]).toEqual(['one', 1, 'i1']);
      expect([b.message, b.log.offset, b.sluice, b['@timestamp']]).toEqual([
        'two',
        2,
        { id: 'i2', shipped_at: 5 },
        '1970-01-01T00:00:00.005Z',
      ]);
    });
  });
});
