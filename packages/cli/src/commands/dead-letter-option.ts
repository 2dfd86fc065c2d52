import {
  type BrokerTarget,
  brokerHelp,
  checkBrokerReachable,
  createProducer,
  isBrokerUrl,
  type Producer,
  parseBrokerUrl,
} from '@sluice/brokers';
import { BrokerError, errorMessage, redactUrl, SluiceError } from '@sluice/core';
import { type DeadLetterEntry, type DeadLetterTarget, deadLetterRecord } from '@sluice/indexer';

/** The `--dead-letter` help text, shared by `consume` and `dlq replay`. */
export const DEAD_LETTER_HELP =
  "where documents Elasticsearch refuses go: an index name template (default 'sluice-dlq-%{+yyyy.MM.dd}') " +
  `or a broker: ${brokerHelp.urls()}`;

/** A dead-letter destination chosen on the command line, and what to close when done. */
export interface DeadLetterOption {
  /** Undefined: the sink's default (the `sluice-dlq-*` index). */
  readonly target: DeadLetterTarget | undefined;
  /** For logs: the destination without credentials. */
  readonly describe: string;
  /** The broker, when the destination is one (for `dlq replay`, which must not read and write the same stream). */
  readonly broker?: BrokerTarget;
  /** Connects to the broker, if any (fails fast with the broker's hint when it is unreachable). */
  open(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Parses `--dead-letter VALUE`: a broker URL sends dead letters to that topic, list or
 * queue as Sluice records (`deadLetterRecord`: the original line under its record id, the
 * reason as fields); anything else is an index name template. Validation only, nothing
 * connects until `open()`.
 *
 * Delivery: the sink awaits `write`, which resolves only when the broker confirmed the
 * publish (the Producer contract: durably accepted), and only then are the
 * source records acknowledged. A failed publish is retriable: the sink retries it with
 * backoff, and the source records stay unacknowledged meanwhile. A crash between publish
 * and acknowledgement publishes the same dead letters again under the same ids.
 */
export function deadLetterOption(value: string | undefined, pipeline?: string): DeadLetterOption {
  if (value === undefined || value === '') {
    return { target: undefined, describe: 'index sluice-dlq-*', open: async () => {}, close: async () => {} };
  }
  if (!isBrokerUrl(value)) {
    return {
      target: { kind: 'index', index: value },
      describe: `index ${value}`,
      open: async () => {},
      close: async () => {},
    };
  }
  const broker = parseBrokerUrl(value);
  const where = redactUrl(value);
  let producer: Producer | undefined;
  const write = async (entries: readonly DeadLetterEntry[]): Promise<void> => {
    if (!producer)
      throw new BrokerError(`dead-letter destination ${where} is not open`, { retriable: false });
    try {
      await producer.publish(entries.map((entry) => deadLetterRecord(entry, pipeline)));
    } catch (error) {
      // Whatever the adapter threw, the sink's retry loop decides on `retriable`: a broker
      // that refuses or is away now may take the dead letters later.
      if (error instanceof SluiceError && !error.retriable) throw error;
      throw new BrokerError(
        `publishing ${entries.length} dead letters to ${where} failed: ${errorMessage(error)}`,
        {
          retriable: true,
          cause: error,
        },
      );
    }
  };
  return {
    target: { kind: 'custom', write },
    describe: where,
    broker,
    async open() {
      await checkBrokerReachable(broker);
      producer = await createProducer(broker);
    },
    async close() {
      await producer?.close();
      producer = undefined;
    },
  };
}

/** How the pipeline of a consumer is named in its dead letters (`dead_letter.pipeline`). */
export function pipelineName(options: {
  module?: string;
  config?: string;
  pattern?: string[];
}): string | undefined {
  if (options.module) return `module:${options.module}`;
  if (options.config) return `config:${options.config}`;
  if (options.pattern?.length) return `patterns:${options.pattern.join(' | ')}`;
  return undefined;
}
