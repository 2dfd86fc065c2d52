export { RedisStreamConsumer, type RedisStreamConsumerOptions, streamLag } from './consumer.js';
export { decodeEntry, ENTRY_FIELD } from './entry.js';
export { RedisStreamProducer, type RedisStreamProducerOptions } from './producer.js';
