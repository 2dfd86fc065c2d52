import { connect, type Socket } from 'node:net';
import { connect as connectTls } from 'node:tls';
import { BrokerError, ConfigError } from '@sluice/core';
import type { BrokerClient } from './descriptor.js';
import { brokerDescriptor } from './registry.js';
import type { BrokerTarget, Consumer, ConsumerOptions, Producer, ProducerOptions } from './types.js';

/**
 * The adapter classes of the target's backend, importing its client library (kafkajs,
 * ioredis, amqplib) on first use: a process loads only the backend it talks to. Load it
 * early when the adapter must be built synchronously later (the shipper makes its producer
 * in `start()`).
 */
export function loadBrokerClient(target: BrokerTarget): Promise<BrokerClient> {
  return brokerDescriptor(target.kind).load();
}

/**
 * A producer for the target. Resolves once the backend's client is loaded and the adapter
 * validated its options (from `options` and the URL's query string); nothing connects yet.
 */
export async function createProducer(target: BrokerTarget, options: ProducerOptions = {}): Promise<Producer> {
  return (await loadBrokerClient(target)).producer(target, options);
}

/** A consumer for the target; like `createProducer`, nothing connects until `run()` or `lag()`. */
export async function createConsumer(target: BrokerTarget, options: ConsumerOptions = {}): Promise<Consumer> {
  return (await loadBrokerClient(target)).consumer(target, options);
}

/**
 * Opens (and closes) a connection to every host of the target, so the CLI can say
 * "nothing listens there" before it builds a consumer whose client would retry forever.
 * For a TLS URL (the descriptor's `url.usesTls`: rediss://, amqps://, kafka ?tls=true) it also completes a TLS
 * handshake (certificate not checked here: the adapter does that and says so), so a TLS
 * URL pointed at a plain-text port fails now, with a hint, instead of timing out on every
 * retry. Authentication is checked later, by the adapter's first command.
 *
 * Both failures are for the user to fix: exit code 2. An unreachable service is
 * retriable for a caller that wants to wait (the error says so); a port that does not
 * speak TLS never will be.
 */
export async function checkBrokerReachable(target: BrokerTarget, timeoutMs = 3_000): Promise<void> {
  const backend = brokerDescriptor(target.kind);
  const tls = backend.url.usesTls(target);
  const failures: string[] = [];
  const plainText: string[] = [];
  await Promise.all(
    target.brokers.map(async (hostPort) => {
      const reason = await probe(hostPort, timeoutMs, tls);
      if (reason?.startsWith(NO_TLS)) plainText.push(`${hostPort} (${reason.slice(NO_TLS.length)})`);
      else if (reason) failures.push(`${hostPort} (${reason})`);
    }),
  );
  if (plainText.length > 0 && failures.length + plainText.length === target.brokers.length) {
    throw new ConfigError(`${backend.label} at ${plainText.join(', ')} does not complete a TLS handshake`, {
      hint: `the URL asks for TLS but that port seems to speak plain text: use the plain scheme (${backend.url.plainTextHint}) or the service's TLS port`,
    });
  }
  // Kafka needs one reachable bootstrap broker; lists and queues have a single host.
  if (failures.length === target.brokers.length) {
    throw new BrokerError(`cannot reach ${backend.label} at ${failures.join(', ')}`, {
      retriable: true,
      exitCode: 2,
      hint: failures.every((f) => /ENOTFOUND|EAI_AGAIN/.test(f))
        ? 'the host name does not resolve: check its spelling in the URL (and DNS)'
        : `is ${backend.label} running? start it with \`${backend.local.startHint}\`; or pass a different URL`,
    });
  }
}

const NO_TLS = 'no TLS: ';

function probe(hostPort: string, timeoutMs: number, tls: boolean): Promise<string | undefined> {
  const split = hostPort.lastIndexOf(':');
  const host = hostPort.slice(0, split).replace(/^\[|\]$/g, '');
  const port = Number(hostPort.slice(split + 1));
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    let open: Socket = socket;
    const done = (reason: string | undefined) => {
      open.destroy();
      socket.destroy();
      resolve(reason);
    };
    socket.setTimeout(timeoutMs, () => done(`no answer within ${timeoutMs} ms`));
    socket.once('error', (error: NodeJS.ErrnoException) => done(error.code ?? error.message));
    socket.once('connect', () => {
      if (!tls) return done(undefined);
      socket.setTimeout(0);
      // Only whether the port speaks TLS at all: the adapter checks the certificate.
      const secure = connectTls({
        socket,
        rejectUnauthorized: false,
        ...(/^[\d.]+$|:/.test(host) ? {} : { servername: host }),
      });
      open = secure;
      secure.setTimeout(timeoutMs, () => done(`${NO_TLS}no handshake answer within ${timeoutMs} ms`));
      secure.once('secureConnect', () => done(undefined));
      secure.once('error', (error: NodeJS.ErrnoException) => {
        const code = error.code ?? error.message;
        // A TLS alert (a client certificate required, no shared cipher) comes from a
        // server that speaks TLS: the adapter's own handshake will say what it wants.
        done(/ALERT/i.test(code) ? undefined : `${NO_TLS}${code}`);
      });
    });
  });
}
