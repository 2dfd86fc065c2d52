import { describe, expect, it } from 'vitest';
import { stackPaths } from './config.js';
import { elasticsearchLayout } from './elasticsearch.js';
import { kafkaLayout } from './kafka.js';
import { stackDirectories } from './services.js';

describe('stack directories', () => {
  const paths = stackPaths({ SLUICE_CACHE_DIR: '/fresh/cache', SLUICE_STACK_DIR: '/fresh/run' });

  it('lists every working directory either service runs a program in, so none is made by the other', () => {
    const dirs = stackDirectories(paths, ['kafka', 'elasticsearch', 'redis', 'rabbitmq']);
    // mvn for Elasticsearch runs in the cache root; mvn for Kafka in its versioned cache dir;
    // the JVMs in their run dirs (Elasticsearch: its logs dir).
    expect(dirs).toEqual(
      expect.arrayContaining([
        '/fresh/cache',
        '/fresh/run',
        paths.m2,
        '/fresh/cache/elasticsearch',
        kafkaLayout(paths).logsDir,
        kafkaLayout(paths).dataDir,
        elasticsearchLayout(paths).logsDir,
        elasticsearchLayout(paths).dataDir,
      ]),
    );
    expect(dirs.some((d) => d.startsWith('/fresh/cache/kafka/'))).toBe(true);
  });

  it('creates nothing when only machine services are wanted', () => {
    expect(stackDirectories(paths, ['redis', 'rabbitmq'])).toEqual([]);
  });
});
