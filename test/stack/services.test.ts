import amqp from 'amqplib';
import { Redis } from 'ioredis';
import { Kafka, logLevel } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { testEnv, uniqueName } from '../support/env.js';

// Each service answers a real request through the address the run chose (global-setup.ts).
// If one of these fails, every integration test after it would fail for the same reason.
describe('test environment', () => {
  const env = testEnv();

  it('names where it came from', () => {
    expect(['env', 'testcontainers', 'native']).toContain(env.source);
    expect(env.kafkaBrokers.length).toBeGreaterThan(0);
  });

  it('is also in the environment, so processes a test spawns (the CLI) use the same services', () => {
    expect(process.env.SLUICE_TEST_ENV_SOURCE).toBe(env.source);
    expect(process.env.KAFKA_BROKERS).toBe(env.kafkaBrokers.join(','));
    expect(process.env.ELASTICSEARCH_URL).toBe(env.elasticsearchUrl);
    expect(process.env.REDIS_URL).toBe(env.redisUrl);
    expect(process.env.AMQP_URL).toBe(env.amqpUrl);
  });

  it('kafka answers metadata and creates a topic', async () => {
    const kafka = new Kafka({
      clientId: 'stack-test',
      brokers: env.kafkaBrokers,
      logLevel: logLevel.NOTHING,
    });
    const admin = kafka.admin();
    await admin.connect();
    try {
      const cluster = await admin.describeCluster();
      expect(cluster.brokers.length).toBeGreaterThanOrEqual(1);
      const topic = uniqueName('stack-probe');
      expect(await admin.createTopics({ topics: [{ topic, numPartitions: 2 }], waitForLeaders: true })).toBe(
        true,
      );
      const metadata = await admin.fetchTopicMetadata({ topics: [topic] });
      expect(metadata.topics[0]?.partitions).toHaveLength(2);
      await admin.deleteTopics({ topics: [topic] });
    } finally {
      await admin.disconnect();
    }
  });

  it('elasticsearch cluster health is yellow or green', async () => {
    const response = await fetch(
      `${env.elasticsearchUrl}/_cluster/health?wait_for_status=yellow&timeout=10s`,
    );
    expect(response.status).toBe(200);
    const body = (await response.json()) as { status: string; number_of_nodes: number };
    expect(['yellow', 'green']).toContain(body.status);
    expect(body.number_of_nodes).toBeGreaterThanOrEqual(1);
  });

  it('redis answers PING', async () => {
    const redis = new Redis(env.redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
    await redis.connect();
    try {
      expect(await redis.ping()).toBe('PONG');
    } finally {
      redis.disconnect();
    }
  });

  it('rabbitmq accepts a connection and declares a queue', async () => {
    const connection = await amqp.connect(env.amqpUrl);
    try {
      const channel = await connection.createChannel();
      const queue = uniqueName('stack-probe');
      const declared = await channel.assertQueue(queue, { exclusive: true });
      expect(declared.queue).toBe(queue);
      await channel.close();
    } finally {
      await connection.close();
    }
  });

  it('uniqueName gives distinct names that are valid index and topic names', () => {
    const names = new Set(Array.from({ length: 100 }, () => uniqueName('My Prefix_x')));
    expect(names.size).toBe(100);
    for (const name of names) expect(name).toMatch(/^[a-z0-9][a-z0-9.-]*$/);
  });
});
