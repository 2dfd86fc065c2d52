import { ConfigError } from '@sluice/core';
import { describe, expect, it } from 'vitest';
import type { BrokerDescriptor } from './descriptor.js';
import { kafka } from './kafka/index.js';
import { redis } from './redis/index.js';
import { redisStream } from './redis-stream/index.js';
import { BROKERS } from './registry.js';
import { parseBrokerUrl } from './url.js';

function configError(url: string): ConfigError {
  try {
    parseBrokerUrl(url);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error(`parseBrokerUrl("${url}") did not throw`);
}

describe('parseBrokerUrl', () => {
  it('parses kafka with several brokers and options', () => {
    expect(parseBrokerUrl('kafka://10.0.0.1:9092,10.0.0.2/app-logs?partitions=6')).toEqual({
      kind: 'kafka',
      connection: 'kafka://10.0.0.1:9092,10.0.0.2:9092',
      stream: 'app-logs',
      brokers: ['10.0.0.1:9092', '10.0.0.2:9092'],
      options: { partitions: '6' },
    });
  });

  it('parses redis and rediss with password, ACL user and db', () => {
    expect(parseBrokerUrl('redis://:s3cret@127.0.0.1:6379/logs:app?db=2')).toEqual({
      kind: 'redis',
      connection: 'redis://:s3cret@127.0.0.1:6379',
      stream: 'logs:app',
      brokers: ['127.0.0.1:6379'],
      options: { db: '2' },
    });
    const tls = parseBrokerUrl('rediss://shipper:p%40ss@redis.example/logs');
    expect(tls.connection).toBe('rediss://shipper:p%40ss@redis.example:6379');
    expect(tls.kind).toBe('redis');
  });

  it('parses amqp with the vhost from the query string', () => {
    const t = parseBrokerUrl('amqp://guest:guest@127.0.0.1:5672/logs?vhost=/&queueType=quorum');
    expect(t).toEqual({
      kind: 'rabbitmq',
      connection: 'amqp://guest:guest@127.0.0.1:5672/%2F',
      stream: 'logs',
      brokers: ['127.0.0.1:5672'],
      options: { vhost: '/', queueType: 'quorum' },
    });
    expect(parseBrokerUrl('amqps://u:p@rabbit.example/q').brokers).toEqual(['rabbit.example:5671']);
    expect(parseBrokerUrl('amqp://[::1]:5673/q').brokers).toEqual(['[::1]:5673']);
  });

  it('rejects an unknown scheme with the three forms and no password', () => {
    const error = configError('nats://user:hunter2@127.0.0.1:4222/logs');
    expect(error.message).toBe('unknown broker URL scheme "nats:" in nats://user:***@127.0.0.1:4222/logs');
    expect(error.hint).toContain('kafka://127.0.0.1:9092/TOPIC');
    expect(error.hint).toContain('redis://');
    expect(error.hint).toContain('amqp://');
    expect(error.exitCode).toBe(2);
  });

  it('rejects a missing stream name with an example', () => {
    const error = configError('amqp://guest:hunter2@127.0.0.1:5672');
    expect(error.message).toBe('broker URL amqp://guest:***@127.0.0.1:5672 names no queue');
    expect(error.hint).toBe(
      'put the queue name in the path, for example amqp://guest:guest@127.0.0.1:5672/logs',
    );
    expect(configError('redis://127.0.0.1:6379/').message).toContain('names no list');
    expect(configError('kafka://127.0.0.1:9092').message).toContain('names no topic');
  });

  it('rejects bad ports, several hosts outside kafka, bad db and URLs without a scheme', () => {
    expect(configError('redis://127.0.0.1:99999/l').message).toContain('invalid host:port "127.0.0.1:99999"');
    expect(configError('redis://a:6379,b:6379/l').message).toContain('only kafka:// accepts');
    expect(configError('redis://127.0.0.1/l?db=x').message).toContain(
      'db must be a database number 0-15, got "x"',
    );
    expect(configError('127.0.0.1:9092/logs').message).toContain('not of the form SCHEME://HOST:PORT/STREAM');
  });

  it('never shows the password of a malformed URL, and refuses secrets in the query string', () => {
    const mark = 'S3CR3TMARK';
    const malformed = [
      `user:${mark}@127.0.0.1:6379/x`,
      `redis://u:${mark}/PW@127.0.0.1:6379/l`,
      `redis://u:${mark}?x#y@127.0.0.1:6379/l`,
      `amqp://guest:${mark}/x@127.0.0.1:5672/q`,
      `kafka://u:${mark}@127.0.0.1:9092,bad host/t`,
      `redis://127.0.0.1:6379/l?password=${mark}`,
      `amqp://127.0.0.1:5672/q?vhost=%2F&token=${mark}`,
      `kafka://127.0.0.1:9092/t?sasl_password=${mark}`,
      `ftp://u:${mark}@127.0.0.1/x`,
    ];
    for (const url of malformed) {
      const error = configError(url);
      expect(`${error.message} ${error.hint}`).not.toContain(mark);
    }
    expect(configError(`redis://127.0.0.1:6379/l?password=${mark}`).message).toContain(
      'carries a secret in its query string ("password")',
    );
    expect(configError(`redis://u:${mark}/PW@127.0.0.1:6379/l`).message).toContain('must be percent-encoded');
    expect(parseBrokerUrl('kafka://127.0.0.1:9092/t?sasl=plain').options.sasl).toBe('plain');
  });
});

describe('parseBrokerUrl dispatch among descriptors that share a scheme', () => {
  // The Redis Streams backend shares redis:// with lists and claims ?type=stream.
  const streams: BrokerDescriptor = redisStream;

  it('gives the URL to the descriptor whose matches claims it, the rest to the one without', () => {
    const registry = BROKERS;
    expect(parseBrokerUrl('redis://127.0.0.1:6379/logs?type=stream', registry).kind).toBe('redis-stream');
    expect(parseBrokerUrl('redis://127.0.0.1:6379/logs', registry).kind).toBe('redis');
    expect(parseBrokerUrl('redis://127.0.0.1:6379/logs?type=list', registry).kind).toBe('redis');
    expect(parseBrokerUrl('kafka://127.0.0.1:9092/logs', registry).kind).toBe('kafka');
    // The claimant's own rules apply: its noun in the message.
    expect(() => parseBrokerUrl('redis://127.0.0.1:6379/?type=stream', registry)).toThrow('names no stream');
  });

  it('refuses a URL that only a claiming descriptor could take, when it does not claim it', () => {
    const registry = [kafka, streams];
    expect(() => parseBrokerUrl('redis://127.0.0.1:6379/logs', registry)).toThrow(
      'no redis:// backend takes redis://127.0.0.1:6379/logs',
    );
  });

  it('says which registry entries collide when two claim one URL', () => {
    const twin = { ...streams, kind: 'redis-stream-2' };
    expect(() => parseBrokerUrl('redis://127.0.0.1:6379/l?type=stream', [redis, streams, twin])).toThrow(
      'broker backends redis-stream and redis-stream-2 both claim',
    );
  });

  it('knows every registered scheme, and only those', () => {
    for (const descriptor of BROKERS) {
      for (const { example } of descriptor.url.schemes)
        expect(parseBrokerUrl(example).kind).toBe(descriptor.kind);
    }
  });
});
