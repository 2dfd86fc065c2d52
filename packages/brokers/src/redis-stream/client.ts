import type { BrokerClient } from '../descriptor.js';
import { RedisStreamConsumer } from './consumer.js';
import { RedisStreamProducer } from './producer.js';
import { tapStream } from './tap.js';

export { RedisStreamConsumer, type RedisStreamConsumerOptions } from './consumer.js';
export { decodeEntry, ENTRY_FIELD } from './entry.js';
export { streamLag } from './group.js';
export { RedisStreamProducer, type RedisStreamProducerOptions } from './producer.js';

/** What the descriptor's `load()` hands the factory: this module is its only dynamic import. */
export const client: BrokerClient = {
  producer: (target, options) => new RedisStreamProducer(target, options),
  consumer: (target, options) => new RedisStreamConsumer(target, options),
  tap: (target, options) => tapStream(target, options.count),
};
