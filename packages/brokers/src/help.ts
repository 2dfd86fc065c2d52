import type { BrokerDescriptor } from './descriptor.js';
import { BROKERS } from './registry.js';

/**
 * Help texts that list the backends, built from the registry so that no command spells out
 * the kinds: `kafka://HOST:PORT/TOPIC, redis://HOST:PORT/LIST or amqp://USER:PASS@HOST:PORT/QUEUE`.
 */
export const brokerHelp = {
  /** The URL forms for `--from`/`--to`, "a, b or c". */
  urls: (): string => orList(BROKERS.map((d) => d.help.usage)),
  /** The backends' names for people: "Kafka, Redis or RabbitMQ". */
  labels: (): string => orList(BROKERS.map((d) => d.label)),
  /** What `--group` means per backend: "consumer group (Kafka) / consumer name prefix (Redis, RabbitMQ)". */
  group: (): string => grouped((d) => d.help.group),
  /** What lag counts per backend: "Kafka: high watermark minus committed offset; Redis: ...". */
  lag: (): string => BROKERS.map((d) => `${d.label}: ${d.help.lag}`).join('; '),
  /** `--from-beginning`: "Kafka: start at the earliest retained record, ..." for the backends that read it. */
  fromBeginning: (): string =>
    BROKERS.flatMap((d) => (d.help.fromBeginning ? [`${d.label}: ${d.help.fromBeginning}`] : [])).join('; '),
  /** Every URL scheme a backend registers, for telling a broker URL from anything else. */
  schemes: (): readonly string[] => BROKERS.flatMap((d) => d.url.schemes.map((s) => s.scheme)),
};

/** True when `value` starts with a registered broker scheme (`kafka://`, `rediss://`, ...). */
export function isBrokerUrl(value: string): boolean {
  const scheme = /^([a-z][a-z0-9+.-]*:)\/\//i.exec(value)?.[1]?.toLowerCase();
  return scheme !== undefined && brokerHelp.schemes().includes(scheme);
}

function orList(items: readonly string[]): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} or ${items.at(-1)}`;
}

/** "consumer group (Kafka) / consumer name prefix (Redis, RabbitMQ)": backends grouped by meaning. */
function grouped(meaning: (d: BrokerDescriptor) => string): string {
  const byMeaning = new Map<string, string[]>();
  for (const d of BROKERS) byMeaning.set(meaning(d), [...(byMeaning.get(meaning(d)) ?? []), d.label]);
  return [...byMeaning].map(([text, labels]) => `${text} (${labels.join(', ')})`).join(' / ');
}
