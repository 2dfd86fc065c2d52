import type { BrokerClient } from '../descriptor.js';
import { RedisConsumer } from './consumer.js';
import { RedisProducer } from './producer.js';
import { tapList } from './tap.js';

export { redisOptions } from './connection.js';
export { RedisConsumer, type RedisConsumerOptions } from './consumer.js';
export { probeRedis } from './probe.js';
export { RedisProducer, type RedisProducerOptions } from './producer.js';

/** What the descriptor's `load()` hands the factory: this module is its only dynamic import. */
export const client: BrokerClient = {
  producer: (target, options) => new RedisProducer(target, options),
  consumer: (target, options) => new RedisConsumer(target, options),
  tap: tapList,
};
