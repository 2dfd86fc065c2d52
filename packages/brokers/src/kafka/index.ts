export { ensureTopic, groupLag } from './admin.js';
export { decodeKafkaMessage, encodeKafkaMessage, KAFKA_HEADER } from './codec.js';
export { connectionSettings, type KafkaConnectionSettings } from './config.js';
export { KafkaConsumer, type KafkaConsumerOptions } from './consumer.js';
export { OffsetTracker, type Span } from './offsets.js';
export { KafkaProducer, type KafkaProducerOptions } from './producer.js';
