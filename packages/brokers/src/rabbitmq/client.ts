import type { BrokerClient } from '../descriptor.js';
import { RabbitMqConsumer } from './consumer.js';
import { RabbitMqProducer } from './producer.js';

export { type RabbitTopology, rabbitTopology } from './connection.js';
export { RabbitMqConsumer, type RabbitMqConsumerOptions } from './consumer.js';
export { probeAmqp } from './probe.js';
export { RabbitMqProducer } from './producer.js';

/** What the descriptor's `load()` hands the factory: this module is its only dynamic import. */
export const client: BrokerClient = {
  producer: (target, options) => new RabbitMqProducer(target, options),
  consumer: (target, options) => new RabbitMqConsumer(target, options),
};
