import { counter, gauge } from '@sluice/core';
import type { BrokerKind, LagSample } from './types.js';

/**
 * Broker metrics shared by the three adapters (Kafka imports these too), so a dashboard
 * reads the same names whatever the backend. Every counter has one label, `backend`.
 * Declared lazily: the core helpers return the existing metric on the second call.
 */
type BackendLabel = 'backend';
// Narrow views of the prom-client types, so this module's declarations do not name prom-client.
interface BrokerCounterMetric {
  inc(labels: Partial<Record<BackendLabel, string>>, value?: number): void;
}
interface LagGaugeMetric {
  set(labels: Partial<Record<'backend' | 'stream' | 'partition', string>>, value: number): void;
}

const publishedRecords = (): BrokerCounterMetric =>
  counter<BackendLabel>({
    name: 'sluice_broker_published_records_total',
    help: 'Records the broker confirmed as durably accepted (acks=all, publisher confirm, RPUSH reply).',
    labelNames: ['backend'],
  });

const consumedRecords = (): BrokerCounterMetric =>
  counter<BackendLabel>({
    name: 'sluice_broker_consumed_records_total',
    help: 'Records received from the broker and handed to the pipeline (redeliveries included).',
    labelNames: ['backend'],
  });

const acknowledgedRecords = (): BrokerCounterMetric =>
  counter<BackendLabel>({
    name: 'sluice_broker_acknowledged_records_total',
    help: 'Records acknowledged to the broker after the pipeline finished them (committed, removed, acked).',
    labelNames: ['backend'],
  });

const redeliveredRecords = (): BrokerCounterMetric =>
  counter<BackendLabel>({
    name: 'sluice_broker_redelivered_records_total',
    help: 'Records received a second time: handed back, reclaimed from a dead consumer, or redelivered after a reconnect.',
    labelNames: ['backend'],
  });

const deadLetteredRecords = (): BrokerCounterMetric =>
  counter<BackendLabel>({
    name: 'sluice_broker_dead_lettered_records_total',
    help: 'Malformed payloads moved to the dead-letter topic, list or queue instead of the pipeline.',
    labelNames: ['backend'],
  });

const reconnects = (): BrokerCounterMetric =>
  counter<BackendLabel>({
    name: 'sluice_broker_reconnects_total',
    help: 'Connections to the broker re-established after a drop.',
    labelNames: ['backend'],
  });

/** Same declaration as the consumer runtime's, which samples `lag()` on a timer. */
const consumerLag = (): LagGaugeMetric =>
  gauge<'backend' | 'stream' | 'partition'>({
    name: 'sluice_consumer_lag_records',
    help: 'Records published and not yet acknowledged by the group (Kafka: high watermark minus committed offset).',
    labelNames: ['backend', 'stream', 'partition'],
  });

/**
 * RabbitMQ only: messages delivered to this process and not yet acked. AMQP tells a client
 * the queue's ready count but not the other consumers' unacked ones; each consumer knows its
 * own, so Prometheus can add them up (README, RabbitMQ, "Lag with several consumers").
 */
const unackedRecords = (): LagGaugeMetric =>
  gauge<'backend' | 'stream' | 'partition'>({
    name: 'sluice_broker_unacked_records',
    help: 'Messages delivered to this consumer process and not yet acknowledged (RabbitMQ).',
    labelNames: ['backend', 'stream'],
  });

/**
 * RabbitMQ only: the queue's ready messages as the broker reports them (AMQP's passive
 * declare, or the management API). The same for every consumer of the queue, so it is
 * counted once (max) and added to the sum of the consumers' unacked for the exact lag.
 */
const readyRecords = (): LagGaugeMetric =>
  gauge<'backend' | 'stream' | 'partition'>({
    name: 'sluice_broker_ready_records',
    help: 'Messages ready for delivery in the queue, as the broker reports them (RabbitMQ).',
    labelNames: ['backend', 'stream'],
  });

export function recordReady(backend: BrokerKind, stream: string, ready: number): void {
  readyRecords().set({ backend, stream }, ready);
}

export function recordUnacked(backend: BrokerKind, stream: string, unacked: number): void {
  unackedRecords().set({ backend, stream }, unacked);
}

export function recordLag(backend: BrokerKind, samples: readonly LagSample[]): void {
  const g = consumerLag();
  for (const s of samples)
    g.set(
      { backend, stream: s.stream, partition: s.partition === undefined ? '' : String(s.partition) },
      s.lag,
    );
}

const COUNTERS = {
  published: publishedRecords,
  consumed: consumedRecords,
  acknowledged: acknowledgedRecords,
  redelivered: redeliveredRecords,
  deadLettered: deadLetteredRecords,
  reconnects,
} as const;

export type BrokerCounter = keyof typeof COUNTERS;

/** `brokerCount('acknowledged', 'redis', 500)` increments `sluice_broker_acknowledged_records_total{backend="redis"}`. */
export function brokerCount(what: BrokerCounter, backend: BrokerKind, n = 1): void {
  if (n > 0) COUNTERS[what]().inc({ backend }, n);
}
