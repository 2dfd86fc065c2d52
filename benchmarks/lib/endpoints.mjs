// Where the benchmarks find the brokers: the same environment variables as the CLI and the
// tests (KAFKA_BROKERS, REDIS_URL, AMQP_URL), defaulting to the local stack.
export const kafkaBrokers = process.env.KAFKA_BROKERS ?? '127.0.0.1:9092';
export const redisUrl = (process.env.REDIS_URL ?? 'redis://127.0.0.1:6379').replace(/\/\d*$/, '');
export const amqpUrl = (process.env.AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672').replace(/\/$/, '');

export const BACKENDS = ['kafka', 'redis', 'redis-stream', 'rabbitmq'];

/** The Sluice URL of a topic, list or queue; `query` adds `?key=value` broker options. */
export function brokerUrl(backend, stream, query = '') {
  const [base, own] =
    backend === 'kafka'
      ? [`kafka://${kafkaBrokers.split(',')[0]}/${stream}`, '']
      : backend === 'redis'
        ? [`${redisUrl}/${stream}`, '']
        : backend === 'redis-stream'
          ? [`${redisUrl}/${stream}`, 'type=stream']
          : [`${amqpUrl}/${stream}`, ''];
  const all = [own, query].filter(Boolean).join('&');
  return all ? `${base}?${all}` : base;
}

export function checkBackends(list) {
  const unknown = list.filter((b) => !BACKENDS.includes(b));
  if (unknown.length > 0)
    throw new Error(`unknown backend(s) ${unknown.join(', ')}: choose from ${BACKENDS.join(', ')}`);
  return list;
}
