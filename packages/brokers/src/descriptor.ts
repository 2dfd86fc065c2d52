import type { InboundRecord, OutboundRecord } from '@sluice/core';
import type { TapOptions } from './tap.js';
import type { BrokerTarget, Consumer, ConsumerOptions, Producer, ProducerOptions } from './types.js';

/**
 * What a backend says about itself, from `src/<kind>/index.ts`. Everything that lists or
 * branches on broker kinds (the factory, URL parsing, the CLI's help, `sluice stack`, the
 * test and benchmark helpers) reads these, so a new backend is its folder plus its line
 * in `registry.ts`. A descriptor module must stay cheap to import: the client library is
 * reached only through `load()`.
 */
export interface BrokerDescriptor {
  /** Registry key: `BrokerTarget.kind`, the `backend` metric label, the `sluice stack` service name. */
  readonly kind: string;
  /** For people: "Kafka". */
  readonly label: string;
  readonly url: BrokerUrlRules;
  readonly help: BrokerHelp;
  readonly codec: BrokerCodec;
  readonly local: LocalService;
  /**
   * The adapter classes, imported on first use so a process loads only the client library
   * of the backend it talks to. Adapters validate their options in their constructors.
   */
  load(): Promise<BrokerClient>;
}

export interface BrokerClient {
  producer(target: BrokerTarget, options: ProducerOptions): Producer;
  consumer(target: BrokerTarget, options: ConsumerOptions): Consumer;
  /** `sluice tap` without a consumer, for a backend that can read without taking (optional). */
  tap?(target: BrokerTarget, options: TapOptions): Promise<InboundRecord[]>;
}

/** A URL as far as it can be read without knowing the backend: what `matches` and the rules see. */
export interface BrokerUrlParts {
  /** Lower case, with the colon: `redis:`. */
  readonly scheme: string;
  /** Decoded path: the topic, list or queue. */
  readonly stream: string;
  readonly options: Readonly<Record<string, string>>;
  /** The URL with credentials masked, for messages. */
  readonly shown: string;
}

export interface BrokerScheme {
  /** With the colon: `amqps:`. */
  readonly scheme: string;
  readonly defaultPort: number;
  /** A whole URL with this scheme, shown when a URL lacks a part. */
  readonly example: string;
}

export interface BrokerUrlRules {
  readonly schemes: readonly BrokerScheme[];
  /**
   * Claims a URL among the descriptors that share its scheme (a Redis list and a Redis
   * stream are both `redis://`; `?type=stream` tells them apart). A descriptor with
   * `matches` that returns true wins over one without; see parseBrokerUrl.
   */
  matches?(url: BrokerUrlParts): boolean;
  /** "topic", "list", "queue": in messages and help. */
  readonly streamNoun: string;
  /** The full form, printed whenever a URL cannot be understood. */
  readonly form: string;
  /** Only Kafka takes a bootstrap list (`h1:9092,h2:9092`). */
  readonly multipleHosts: boolean;
  /** Where a password goes instead of the query string, in a hint. */
  readonly secretHint: string;
  /** Rules of this backend beyond the common URL syntax; throws a ConfigError naming the part. */
  validate?(url: BrokerUrlParts): void;
  /** The connection string the adapter gets, when it is more than `scheme://userinfo@hosts`. */
  connection?(base: string, url: BrokerUrlParts): string;
  /** Whether the adapter will speak TLS, so reachability checks complete a handshake too. */
  usesTls(target: BrokerTarget): boolean;
  /** How to ask for plain text instead, for a TLS URL aimed at a plain-text port. */
  readonly plainTextHint: string;
}

export interface BrokerHelp {
  /** `--from`/`--to` help: `kafka://HOST:PORT/TOPIC`. */
  readonly usage: string;
  /** What `--group` means here: "consumer group" or "consumer name prefix". */
  readonly group: string;
  /** What `sluice lag` counts: "high watermark minus committed offset". */
  readonly lag: string;
  /** Set when `--from-beginning` means something for this backend. */
  readonly fromBeginning?: string;
}

export interface BrokerCodec {
  /** One line: what a message carries. The wire format itself is in the package README. */
  readonly summary: string;
  /** Bytes one record puts on the wire in Sluice's format (payload, key, headers), for benchmarks. */
  wireBytes(record: OutboundRecord): number;
  /**
   * How the producer carries several lines per message when its URL says
   * `?linesPerMessage=N` (README, "Frames"); absent when it always sends one line per message.
   */
  readonly linesPerMessage?: 'frames' | 'ndjson';
}

/** A result of asking a service a question only a working server answers. */
export interface ProbeResult {
  readonly ok: boolean;
  /** What was learnt: version, cluster state, or why it failed. Never contains credentials. */
  readonly detail: string;
}

/** A command that starts the service on this machine; it daemonizes and returns. */
export interface StartCommand {
  readonly binary: string;
  readonly args: readonly string[];
  readonly aptPackage: string;
}

/** The backend on a developer's machine or in CI: `sluice stack`, tests, benchmarks. */
export interface LocalService {
  /**
   * The `sluice stack` service. Descriptors that share a server (a Redis list and a Redis
   * stream) name the same service and it is listed once.
   */
  readonly service: string;
  /** Where tests, benchmarks and `sluice stack` read the address: `REDIS_URL`. */
  readonly environment: string;
  /** The address when that variable is unset (a URL, or Kafka's `host:port` list). */
  readonly defaultAddress: string;
  /** Tidies an address as a user wrote it in `environment` (spaces, a scheme on a host list). */
  normalizeAddress?(address: string): string;
  /** The port clients connect to by default. */
  readonly port: number;
  /** Turns an address from `environment` into this backend's URL of one stream. */
  streamUrl(address: string, stream: string): string;
  /** Asks the server at `address` a question only a working server answers (client loaded lazily). */
  probe(address: string, timeoutMs?: number): Promise<ProbeResult>;
  /**
   * How the service is started: `native` when `sluice stack` launches it itself (its
   * launcher lives in packages/cli/src/stack), else the machine's own daemon.
   */
  readonly start:
    | { readonly native: true }
    | { readonly native: false; readonly command: StartCommand; readonly timeoutMs: number };
  /** Printed in "is it running?" hints. */
  readonly startHint: string;
  /** How the tests run it in a container where a Docker engine answers (test/support/global-setup.ts). */
  readonly container: ContainerSpec;
  /** Where its log is, for "started but does not answer". */
  readonly logHint: string;
}

/** A throwaway container of the service, for test runs on machines with a Docker engine. */
export interface ContainerSpec {
  readonly image: string;
  /** The clients' port inside the container. */
  readonly port: number;
  /**
   * Publish on the same port number on the host and run the server on it (a broker that
   * advertises its own address to clients, as Kafka does, must be reached where it says).
   */
  readonly samePort?: boolean;
  environment?(host: string, port: number): Record<string, string>;
  /** A log line that means "ready", when the port opens earlier. */
  readonly readyLog?: RegExp;
  /** The address (in `environment`'s form) of the container published at host:port. */
  address(host: string, port: number): string;
}
