// Where the benchmarks find the brokers: each backend's own environment variable (the same
// as the CLI and the tests read: KAFKA_BROKERS, REDIS_URL, AMQP_URL, ...), defaulting to
// the local stack. The list of backends and their URL forms come from the brokers registry
// (packages/brokers/src/registry.ts, built), so a new backend needs no edit here.
const root = new URL('../../', import.meta.url).pathname;
const { BROKERS, brokerDescriptor } = await import(`${root}packages/brokers/dist/index.js`);

export const BACKENDS = BROKERS.map((d) => d.kind);

/** How a backend batches lines under `?linesPerMessage=N` ('frames', 'ndjson'), or undefined: one per message. */
export function linesPerMessageKind(backend) {
  return brokerDescriptor(backend).codec.linesPerMessage;
}

/** A backend's address as its environment variable gives it, or the local default. */
export function brokerAddress(backend) {
  const { local } = brokerDescriptor(backend);
  return process.env[local.environment] ?? local.defaultAddress;
}

// For the native-tool comparisons (native.mjs, broker-only.mjs), which drive each broker's
// own client and so are written per backend anyway.
export const kafkaBrokers = brokerAddress('kafka');
export const redisUrl = brokerAddress('redis').replace(/\/\d*$/, '');
export const amqpUrl = brokerAddress('rabbitmq').replace(/\/$/, '');

/** The Sluice URL of a topic, list or queue; `query` adds `?key=value` broker options. */
export function brokerUrl(backend, stream, query = '') {
  const descriptor = brokerDescriptor(backend);
  // A Kafka bootstrap list: the benchmarks talk to its first broker.
  const address = brokerAddress(backend);
  const base = descriptor.local.streamUrl(
    descriptor.url.multipleHosts ? address.split(',')[0] : address,
    stream,
  );
  if (!query) return base;
  return `${base}${base.includes('?') ? '&' : '?'}${query}`;
}

export function checkBackends(list) {
  const unknown = list.filter((b) => !BACKENDS.includes(b));
  if (unknown.length > 0)
    throw new Error(`unknown backend(s) ${unknown.join(', ')}: choose from ${BACKENDS.join(', ')}`);
  return list;
}
