import type { BrokerClient } from '../descriptor.js';
import { KafkaConsumer } from './consumer.js';
import { KafkaProducer } from './producer.js';

export { ensureTopic, groupLag } from './admin.js';
export { decodeKafkaMessage, encodeKafkaMessage, KAFKA_HEADER } from './codec.js';
export { connectionSettings, type KafkaConnectionSettings } from './config.js';
export { KafkaConsumer, type KafkaConsumerOptions } from './consumer.js';
export { OffsetTracker, type Span } from './offsets.js';
export { probeKafka } from './probe.js';
export { KafkaProducer, type KafkaProducerOptions } from './producer.js';

/** What the descriptor's `load()` hands the factory: this module is its only dynamic import. */
export const client: BrokerClient = {
  producer: (target, options) => new KafkaProducer(target, options),
  consumer: (target, options) => new KafkaConsumer(target, options),
};
