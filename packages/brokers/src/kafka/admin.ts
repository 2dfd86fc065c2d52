import { BrokerError, type Logger } from '@sluice/core';
import type { Admin, Kafka } from 'kafkajs';
import { isTlsTrustFailure } from '../options.js';
import type { LagSample } from '../types.js';

/** Broker-side helpers shared by the producer, the consumer and `sluice lag`. */

/**
 * Creates the topic with `partitions` partitions when it does not exist; an existing
 * topic is used as it is (its partition count is not changed: that would move keys
 * between partitions and break per-source ordering). Returns the partition count.
 */
export async function ensureTopic(
  kafka: Kafka,
  topic: string,
  partitions: number,
  replicationFactor: number,
  logger: Logger,
): Promise<number> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    // Look first: createTopics on an existing topic works but makes kafkajs log an error.
    if (!(await admin.listTopics()).includes(topic)) {
      const created = await admin.createTopics({
        topics: [{ topic, numPartitions: partitions, replicationFactor }],
        waitForLeaders: true,
      });
      if (created) {
        logger.info('created Kafka topic', { topic, partitions });
        return partitions;
      }
    }
    const meta = await admin.fetchTopicMetadata({ topics: [topic] });
    const existing = meta.topics[0]?.partitions.length ?? 0;
    if (existing !== partitions)
      logger.debug('using existing Kafka topic as it is', { topic, partitions: existing });
    return existing;
  } catch (error) {
    throw asBrokerError(error, `cannot create or inspect Kafka topic ${topic}`);
  } finally {
    await admin.disconnect().catch(() => {});
  }
}

/**
 * Lag per partition as the group sees it: the high watermark minus the group's COMMITTED
 * offset (not the fetch position, which runs ahead of what is indexed). A partition the
 * group never committed counts from the log start when the group starts from the
 * beginning, else as 0 (it will start at the end).
 */
export async function groupLag(
  admin: Admin,
  groupId: string,
  topic: string,
  fromBeginning: boolean,
): Promise<LagSample[]> {
  const [ends, committed] = await Promise.all([
    admin.fetchTopicOffsets(topic),
    admin.fetchOffsets({ groupId, topics: [topic] }),
  ]);
  const byPartition = new Map<number, number>();
  for (const p of committed[0]?.partitions ?? []) byPartition.set(p.partition, Number(p.offset));
  return ends
    .map((end) => {
      const high = Number(end.high);
      const low = Number(end.low);
      const c = byPartition.get(end.partition) ?? -1;
      const base = c >= 0 ? c : fromBeginning ? low : high;
      return { stream: topic, partition: end.partition, lag: Math.max(0, high - base) };
    })
    .sort((a, b) => a.partition - b.partition);
}

/** kafkajs wraps errors several deep (retries exceeded -> connection error); look at each. */
function* causes(error: unknown): Generator<{ name?: string; type?: string; code?: unknown }> {
  for (
    let e = error, depth = 0;
    e && typeof e === 'object' && depth < 10;
    e =
      (e as { cause?: unknown; originalError?: unknown }).cause ??
      (e as { originalError?: unknown }).originalError,
      depth++
  ) {
    yield e as { name?: string; type?: string; code?: unknown };
  }
}

/**
 * Maps a kafkajs error to ours, keeping its retriable flag and the original as cause.
 * Refused credentials and untrusted certificates are the user's to fix: not retriable,
 * and exit code 2 like any other configuration error.
 */
export function asBrokerError(error: unknown, context: string): BrokerError {
  if (error instanceof BrokerError) return error;
  const e = error as { message?: string; retriable?: boolean; name?: string; type?: string } | undefined;
  const message = e?.message ?? String(error);
  const chain = [...causes(error)];
  const auth = chain.some(
    (c) => c.name === 'KafkaJSSASLAuthenticationError' || c.type === 'SASL_AUTHENTICATION_FAILED',
  );
  const authorization = chain.some((c) => typeof c.type === 'string' && /AUTHORIZATION_FAILED/.test(c.type));
  // The listener speaks no SASL, or not this mechanism: a configuration mismatch, not an outage.
  const saslMismatch = chain.some(
    (c) => c.type === 'ILLEGAL_SASL_STATE' || c.type === 'UNSUPPORTED_SASL_MECHANISM',
  );
  const untrusted = isTlsTrustFailure(error);
  const userFixes = auth || authorization || saslMismatch || untrusted;
  return new BrokerError(`${context}: ${message}`, {
    cause: error,
    retriable: userFixes ? false : (e?.retriable ?? true),
    ...(userFixes ? { exitCode: 2 } : {}),
    ...(untrusted
      ? {
          hint: "the broker's TLS certificate is not trusted: pass its CA with ?ca=/path/ca.pem (or KAFKA_TLS_CA_FILE), and check that the certificate names the host in the URL",
        }
      : saslMismatch
        ? {
            hint: 'the broker listener does not accept this SASL mechanism: check the port (PLAINTEXT vs SASL listener) and ?sasl=',
          }
        : auth
          ? {
              hint: 'check the SASL username, password and mechanism (URL, KAFKA_SASL_USERNAME/KAFKA_SASL_PASSWORD, ?sasl=)',
            }
          : authorization
            ? { hint: 'grant the Kafka user access to the topic and consumer group (ACLs)' }
            : {}),
  });
}
