export { redisOptions } from './connection.js';
export { RedisConsumer, type RedisConsumerOptions } from './consumer.js';
export { RedisProducer, type RedisProducerOptions } from './producer.js';
