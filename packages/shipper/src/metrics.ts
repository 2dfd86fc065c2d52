import { counter, histogram } from '@sluice/core';

/** The shipper's metrics (`sluice_shipper_*`). Labels are bounded: the input type only. */
type LabelledCounter = ReturnType<typeof counter<'input'>>;
type PlainCounter = ReturnType<typeof counter<string>>;
type PlainHistogram = ReturnType<typeof histogram<string>>;

interface ShipperMetrics {
  readonly lines: LabelledCounter;
  readonly bytes: LabelledCounter;
  readonly publishDuration: PlainHistogram;
  readonly publishErrors: PlainCounter;
  readonly udpDropped: LabelledCounter;
  readonly backpressure: PlainCounter;
}

let declared: ShipperMetrics | undefined;

/**
 * Declared on first use, not when this module loads: the CLI decides whether this process
 * serves metrics at all (core `disableMetrics`) after loading the shipper.
 */
export function shipperMetrics(): ShipperMetrics {
  declared ??= declareShipperMetrics();
  return declared;
}

const declareShipperMetrics = (): ShipperMetrics => ({
  lines: counter<'input'>({
    name: 'sluice_shipper_lines_total',
    help: 'Events (lines, or joined multi-line events) the broker confirmed',
    labelNames: ['input'],
  }),
  bytes: counter<'input'>({
    name: 'sluice_shipper_bytes_total',
    help: 'Bytes of line text the broker confirmed',
    labelNames: ['input'],
  }),
  publishDuration: histogram({
    name: 'sluice_shipper_publish_duration_seconds',
    help: 'Time for one batch to be durably accepted by the broker, retries included',
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
  }),
  publishErrors: counter({
    name: 'sluice_shipper_publish_errors_total',
    help: 'Failed publish attempts (each is retried with backoff)',
  }),
  udpDropped: counter<'input'>({
    name: 'sluice_shipper_udp_dropped_total',
    help: 'Datagrams dropped because the queue to the broker was full',
    labelNames: ['input'],
  }),
  backpressure: counter({
    name: 'sluice_shipper_backpressure_seconds_total',
    help: 'Time inputs spent waiting for room in the queue (the broker was slower than the sources)',
  }),
});
