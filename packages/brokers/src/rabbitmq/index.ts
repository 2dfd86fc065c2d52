export { type RabbitTopology, rabbitTopology } from './connection.js';
export { RabbitMqConsumer, type RabbitMqConsumerOptions } from './consumer.js';
export { RabbitMqProducer } from './producer.js';
