import type { BrokerDescriptor } from './descriptor.js';
import { kafka } from './kafka/index.js';
import { rabbitmq } from './rabbitmq/index.js';
import { redis } from './redis/index.js';
import { redisStream } from './redis-stream/index.js';

/**
 * Every backend, one entry each (plus its import above). Adding a broker is a folder with
 * an `index.ts` exporting a `BrokerDescriptor` and a line here; nothing else in the repo
 * lists kinds. The order is the order of help texts and of `sluice stack` services.
 */
export const BROKERS: readonly BrokerDescriptor[] = [kafka, redis, redisStream, rabbitmq];

/** The descriptor of a kind; throws for a kind no backend registers (a programming error). */
export function brokerDescriptor(kind: string): BrokerDescriptor {
  const found = BROKERS.find((d) => d.kind === kind);
  if (!found)
    throw new Error(`no broker backend "${kind}" (registered: ${BROKERS.map((d) => d.kind).join(', ')})`);
  return found;
}
