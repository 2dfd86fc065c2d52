import { createRequire } from 'node:module';
import type { BrokerKind, ConsumerOptions, ProducerOptions } from '@sluice/brokers';

// The broker clients are dependencies of @sluice/brokers, not of the workspace root:
// harnesses load them the way that package does.
export const requireFromBrokers = createRequire(
  new URL('../../../packages/brokers/package.json', import.meta.url),
);

/** Only "nothing listens there" makes a backend unavailable; any other failure fails the suite. */
export function isUnreachable(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return code === 'ECONNREFUSED' || code === 'EHOSTUNREACH' || /ECONNREFUSED/.test(String(error));
}

/**
 * What the conformance suite needs from a backend beyond the Producer/Consumer contract:
 * writing foreign bytes (poison), counting dead letters, and cutting connections.
 * Options are short (heartbeats, waits) so every test stays well under 30 s.
 */
export interface BrokerHarness {
  readonly kind: BrokerKind;
  /** False when the backend is not running here: its tests are skipped, not failed. */
  readonly ready: boolean;
  readonly producerOptions: ProducerOptions;
  stream(prefix: string): string;
  url(stream: string): string;
  consumerOptions(stream: string): ConsumerOptions & Record<string, unknown>;
  publishRaw(stream: string, payloads: readonly string[]): Promise<void>;
  deadLetterCount(stream: string): Promise<number>;
  /**
   * Whether a dropped connection shows in `sluice_broker_reconnects_total`. Not for Kafka:
   * kafkajs re-dials a reset broker connection inside its next request without telling
   * the client, so the adapter sees no reconnect to count (it counts consumer restarts).
   */
  readonly countsReconnects: boolean;
  /** Cuts the connections of the consumer with this id (created with `consumerOptions(stream)`). */
  dropConnections(stream: string, consumerId: string): Promise<void>;
  close(): Promise<void>;
}

/**
 * A backend's harness module, `test/support/harness/<kind>.ts`: `harnessFor` imports it by
 * the kind's name, so a new backend adds its file and no list.
 */
export interface HarnessModule {
  /** Runs of the suite beyond the plain one (`rabbitmq-quorum`: `variants: ['quorum']`). */
  readonly variants?: readonly string[];
  /** Connects an admin client to `address` (the backend's env form); `unavailable` if nothing listens. */
  createHarness(address: string, variant?: string): Promise<BrokerHarness>;
}

export function unavailable(kind: BrokerKind): BrokerHarness {
  const no = () => Promise.reject(new Error(`${kind} is not available`));
  return {
    kind,
    ready: false,
    countsReconnects: false,
    producerOptions: {},
    stream: (p) => p,
    url: (s) => s,
    consumerOptions: () => ({}),
    publishRaw: no,
    deadLetterCount: no,
    dropConnections: no,
    close: () => Promise.resolve(),
  };
}
