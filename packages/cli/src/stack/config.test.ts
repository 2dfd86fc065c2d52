import { BROKERS } from '@sluice/brokers';
import { describe, expect, it } from 'vitest';
import {
  brokerOfService,
  ENV_VARS,
  KAFKA_VERSION,
  resolveEndpoints,
  SERVICES,
  stackPaths,
  stackPorts,
} from './config.js';

describe('resolveEndpoints', () => {
  it('uses the loopback defaults when nothing is set', () => {
    const { endpoints, explicit } = resolveEndpoints({});
    expect(endpoints).toEqual({
      elasticsearchUrl: 'http://127.0.0.1:9200',
      brokers: {
        kafka: '127.0.0.1:9092',
        redis: 'redis://127.0.0.1:6379',
        rabbitmq: 'amqp://guest:guest@127.0.0.1:5672',
      },
    });
    expect(explicit.size).toBe(0);
  });

  it('takes explicit addresses from the environment and marks only those as explicit', () => {
    const { endpoints, explicit } = resolveEndpoints({
      KAFKA_BROKERS: ' kafka://k1:9092, k2:9093 ,',
      ELASTICSEARCH_URL: 'https://es.example:9243/',
      REDIS_URL: '',
    });
    expect(endpoints.brokers.kafka).toBe('k1:9092,k2:9093');
    expect(endpoints.elasticsearchUrl).toBe('https://es.example:9243');
    expect(endpoints.brokers.redis).toBe('redis://127.0.0.1:6379');
    expect([...explicit].sort()).toEqual(['elasticsearch', 'kafka']);
  });
});

describe('SERVICES', () => {
  it('lists every registered broker service once, natively launched ones before Elasticsearch', () => {
    expect(SERVICES).toEqual(['kafka', 'elasticsearch', 'redis', 'rabbitmq']);
    for (const descriptor of BROKERS) expect(SERVICES).toContain(descriptor.local.service);
    expect(ENV_VARS.redis).toBe('REDIS_URL');
  });

  it('runs the same Kafka in test containers as natively', () => {
    expect(brokerOfService('kafka')?.local.container.image).toBe(`apache/kafka:${KAFKA_VERSION}`);
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

describe('stackPorts', () => {
  it('moves the local defaults with the overrides, for a second isolated stack', () => {
    const env = {
      SLUICE_KAFKA_PORT: '19092',
      SLUICE_KAFKA_CONTROLLER_PORT: '19093',
      SLUICE_ELASTICSEARCH_PORT: '19200',
    };
    expect(stackPorts(env)).toEqual({ kafka: 19092, kafkaController: 19093, elasticsearch: 19200 });
    const { endpoints } = resolveEndpoints(env);
    expect(endpoints.brokers.kafka).toBe('127.0.0.1:19092');
    expect(endpoints.elasticsearchUrl).toBe('http://127.0.0.1:19200');
  });

  it('rejects a port that is not a number in range, naming the variable and value', () => {
    expect(() => stackPorts({ SLUICE_KAFKA_PORT: '80' })).toThrow(
      'SLUICE_KAFKA_PORT must be a port between 1024 and 65535, got 80',
    );
    expect(() => stackPorts({ SLUICE_ELASTICSEARCH_PORT: 'x' })).toThrow(
      /SLUICE_ELASTICSEARCH_PORT .* got x/,
    );
  });
});
