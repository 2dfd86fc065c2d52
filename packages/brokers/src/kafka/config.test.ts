import { createLogger } from '@sluice/core';
import { logLevel } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { parseBrokerUrl } from '../url.js';
import { connectionSettings, kafkaLogCreator } from './config.js';
import { KafkaConsumer } from './consumer.js';
import { KafkaProducer } from './producer.js';

describe('Kafka connection settings', () => {
  it('plain connection by default', () => {
    const s = connectionSettings(parseBrokerUrl('kafka://h1:9092,h2/logs'), {});
    expect(s).toEqual({ brokers: ['h1:9092', 'h2:9092'], clientId: 'sluice', ssl: false, sasl: undefined });
  });

  it('SASL credentials from the URL (percent-decoded) or the environment', () => {
    const fromUrl = connectionSettings(
      parseBrokerUrl('kafka://alice:p%40ss%3Aword@h:9092/logs?sasl=SCRAM-SHA-512&tls=true'),
      {},
    );
    expect(fromUrl.sasl).toEqual({ mechanism: 'scram-sha-512', username: 'alice', password: 'p@ss:word' });
    expect(fromUrl.ssl).toBe(true);
    const fromEnv = connectionSettings(parseBrokerUrl('kafka://h:9092/logs'), {
      KAFKA_SASL_USERNAME: 'bob',
      KAFKA_SASL_PASSWORD: 's3cret',
      KAFKA_SASL_MECHANISM: 'scram-sha-256',
    });
    expect(fromEnv.sasl).toEqual({ mechanism: 'scram-sha-256', username: 'bob', password: 's3cret' });
  });

  it('refuses bad security options with a message naming the option', () => {
    expect(() => connectionSettings(parseBrokerUrl('kafka://h/logs?sasl=gssapi'), {})).toThrow(
      'Kafka SASL mechanism must be one of plain, scram-sha-256, scram-sha-512, got "gssapi"',
    );
    expect(() =>
      connectionSettings(parseBrokerUrl('kafka://h/logs'), { KAFKA_SASL_USERNAME: 'bob' }),
    ).toThrow('Kafka SASL needs both a username and a password');
    expect(() => connectionSettings(parseBrokerUrl('kafka://h/logs?ca=/nonexistent/ca.pem'), {})).toThrow(
      'Kafka CA file /nonexistent/ca.pem cannot be read: ENOENT',
    );
    // `tlsCa`, the Redis and RabbitMQ spelling, names the same file.
    expect(() => connectionSettings(parseBrokerUrl('kafka://h/logs?tlsCa=/nonexistent/ca.pem'), {})).toThrow(
      'Kafka CA file /nonexistent/ca.pem cannot be read: ENOENT',
    );
    expect(() => connectionSettings(parseBrokerUrl('kafka://h/logs?tls=yes'), {})).toThrow(
      'Kafka URL option tls must be true or false, got "yes"',
    );
  });

  it('validates producer and consumer options before connecting', () => {
    const t = parseBrokerUrl('kafka://127.0.0.1:1/logs');
    expect(() => new KafkaProducer(t, { compression: 'brotli' })).toThrow(
      'Kafka option compression must be one of none, gzip, lz4, zstd, got "brotli"',
    );
    for (const compression of ['none', 'gzip', 'lz4', 'zstd', 'GZIP'])
      expect(() => new KafkaProducer(t, { compression })).not.toThrow();
    expect(() => new KafkaProducer(parseBrokerUrl('kafka://h/logs?partitions=0'))).toThrow(
      'Kafka option partitions must be an integer between 1 and 10000, got "0"',
    );
    expect(() => new KafkaConsumer(t, { maxInFlightBatches: 0 })).toThrow(
      'Kafka option maxInFlightBatches must be an integer between 1 and 1000, got "0"',
    );
    expect(() => new KafkaConsumer(t, { sessionTimeoutMs: 6_000, heartbeatIntervalMs: 3_000 })).toThrow(
      'Kafka option heartbeatIntervalMs must be at most a third of sessionTimeoutMs (6000), got 3000',
    );
  });

  it("kafkajs's own log lines go through our logger at warn, redacted, without stacks", () => {
    const lines: string[] = [];
    const stream = { write: (s: string) => lines.push(s) } as unknown as NodeJS.WritableStream;
    const log = kafkaLogCreator(createLogger({ level: 'debug', format: 'json', stream }))(logLevel.WARN);
    const entry = (level: logLevel, message: string, extra: Record<string, unknown> = {}) => ({
      namespace: 'Connection',
      level,
      label: 'X',
      log: { timestamp: '', message, ...extra },
    });
    log(entry(logLevel.INFO, 'noise'));
    log(
      entry(logLevel.ERROR, 'Connection error: kafka://alice:hunter2@h:9092', {
        stack: 'at x',
        broker: 'h:9092',
        sasl: { password: 'hunter2' },
      }),
    );
    expect(lines).toHaveLength(1);
    const out = JSON.parse(lines[0] as string) as Record<string, unknown>;
    expect(out).toMatchObject({
      level: 'warn',
      component: 'kafkajs',
      namespace: 'Connection',
      broker: 'h:9092',
    });
    expect(lines[0]).not.toContain('hunter2');
    expect(out.stack).toBeUndefined();
  });

  it('keeps "Response without match" (a consumer disconnecting) out of the warnings, at debug', () => {
    const capture = (level: 'debug' | 'warn') => {
      const lines: string[] = [];
      const stream = { write: (s: string) => lines.push(s) } as unknown as NodeJS.WritableStream;
      const log = kafkaLogCreator(createLogger({ level, format: 'json', stream }))(logLevel.WARN);
      return { lines, log };
    };
    const entry = (namespace: string, message: string) => ({
      namespace,
      level: logLevel.WARN,
      label: 'WARN',
      log: { timestamp: '', message, broker: 'h:9092', correlationId: 7 },
    });
    const atWarn = capture('warn');
    atWarn.log(entry('RequestQueue', 'Response without match'));
    // Only the exact message of that namespace: the same words elsewhere still warn.
    atWarn.log(entry('Connection', 'Response without match'));
    atWarn.log(entry('RequestQueue', 'Response without match for a request that never existed'));
    expect(atWarn.lines.map((l) => JSON.parse(l) as Record<string, unknown>)).toMatchObject([
      { level: 'warn', namespace: 'Connection', msg: 'Response without match' },
      {
        level: 'warn',
        namespace: 'RequestQueue',
        msg: 'Response without match for a request that never existed',
      },
    ]);

    const atDebug = capture('debug');
    atDebug.log(entry('RequestQueue', 'Response without match'));
    expect(atDebug.lines).toHaveLength(1);
    expect(JSON.parse(atDebug.lines[0] as string)).toMatchObject({
      level: 'debug',
      component: 'kafkajs',
      namespace: 'RequestQueue',
      msg: 'Response without match',
    });
  });
});
