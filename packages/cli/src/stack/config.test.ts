import { describe, expect, it } from 'vitest';
import { resolveEndpoints, stackPaths } from './config.js';

describe('resolveEndpoints', () => {
  it('uses the loopback defaults when nothing is set', () => {
    const { endpoints, explicit } = resolveEndpoints({});
    expect(endpoints).toEqual({
      kafkaBrokers: ['127.0.0.1:9092'],
      elasticsearchUrl: 'http://127.0.0.1:9200',
      redisUrl: 'redis://127.0.0.1:6379',
      amqpUrl: 'amqp://guest:guest@127.0.0.1:5672',
    });
    expect(explicit.size).toBe(0);
  });

  it('takes explicit addresses from the environment and marks only those as explicit', () => {
    const { endpoints, explicit } = resolveEndpoints({
      KAFKA_BROKERS: ' kafka://k1:9092, k2:9093 ,',
      ELASTICSEARCH_URL: 'https://es.example:9243/',
      REDIS_URL: '',
    });
    expect(endpoints.kafkaBrokers).toEqual(['k1:9092', 'k2:9093']);
    expect(endpoints.elasticsearchUrl).toBe('https://es.example:9243');
    expect(endpoints.redisUrl).toBe('redis://127.0.0.1:6379');
    expect([...explicit].sort()).toEqual(['elasticsearch', 'kafka']);
  });
});

describe('stackPaths', () => {
  it('honours SLUICE_CACHE_DIR and SLUICE_STACK_DIR and finds deploy/native in the repository', () => {
    const paths = stackPaths({ SLUICE_CACHE_DIR: '/c', SLUICE_STACK_DIR: '/r' });
    expect(paths.cache).toBe('/c');
    expect(paths.run).toBe('/r');
    expect(paths.deploy).toMatch(/deploy\/native\/$/);
  });
});
