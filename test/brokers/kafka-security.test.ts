import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parseBrokerUrl } from '@sluice/brokers';
import { KafkaConsumer, KafkaProducer } from '@sluice/brokers/kafka';
import { createLogger, recordId } from '@sluice/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consumeAll, uniqueStream } from '../support/brokers.js';
import { cliPath, runCli } from '../support/cli.js';
import { freePort } from '../support/net.js';
import { expectCleanOutput } from '../support/secrets.js';
import { makeCertificates } from '../support/tls.js';

/**
 * Kafka over SASL_SSL, against a private broker (its own directory and ports, started by
 * `sluice stack up kafka`): a PLAINTEXT listener for the launcher's health check, and a
 * SASL_SSL listener that accepts PLAIN (users in the JAAS line) and SCRAM-SHA-512 (users
 * added when the storage is formatted). Its certificate is signed by a CA made here with
 * openssl; no key is ever committed. The shared broker on :9092 is not touched.
 */
const exec = promisify(execFile);
const PLAIN_PASSWORD = `plain-${randomBytes(6).toString('hex')}`;
const SCRAM_PASSWORD = `scram-${randomBytes(6).toString('hex')}`;
const WRONG_PASSWORD = `wrong-${randomBytes(6).toString('hex')}`;
const STORE_PASSWORD = randomBytes(8).toString('hex');

let dir = '';
let ca = '';
let saslPort = 0;
let stackEnv: NodeJS.ProcessEnv = {};
let started = false;

/** The shared throwaway CA and server certificate, plus the PKCS12 keystore Kafka's listener reads. */
async function makeKafkaCertificates(into: string): Promise<{ ca: string; keystore: string }> {
  const pem = await makeCertificates(into);
  const keystore = join(into, 'server.p12');
  await exec('openssl', [
    ...['pkcs12', '-export', '-in', pem.cert, '-inkey', pem.key, '-certfile', pem.ca, '-name', 'kafka'],
    ...['-passout', `pass:${STORE_PASSWORD}`, '-out', keystore],
  ]);
  return { ca: pem.ca, keystore };
}

beforeAll(async () => {
  if (!existsSync(cliPath))
    throw new Error(`build the CLI first (tsc -b packages/cli): ${cliPath} is missing`);
  dir = await mkdtemp(join(tmpdir(), 'sluice-kafka-sasl-'));
  const certs = await makeKafkaCertificates(dir);
  ca = certs.ca;
  const [plainPort, controllerPort] = [await freePort(), await freePort()];
  saslPort = await freePort();
  // Later keys win in server.properties: these replace the launcher's listener lines.
  const extra = [
    `listeners=PLAINTEXT://127.0.0.1:${plainPort},CONTROLLER://127.0.0.1:${controllerPort},SASL_SSL://127.0.0.1:${saslPort}`,
    `advertised.listeners=PLAINTEXT://127.0.0.1:${plainPort},SASL_SSL://127.0.0.1:${saslPort}`,
    'listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT,SASL_SSL:SASL_SSL',
    'sasl.enabled.mechanisms=PLAIN,SCRAM-SHA-512',
    `listener.name.sasl_ssl.plain.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required user_plainuser="${PLAIN_PASSWORD}";`,
    'listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;',
    `listener.name.sasl_ssl.ssl.keystore.location=${certs.keystore}`,
    `listener.name.sasl_ssl.ssl.keystore.password=${STORE_PASSWORD}`,
    'listener.name.sasl_ssl.ssl.keystore.type=PKCS12',
  ];
  await writeFile(join(dir, 'extra.properties'), `${extra.join('\n')}\n`);
  // Without KAFKA_BROKERS (the test environment points it at the shared broker): an explicit
  // address tells `stack up` that Kafka runs elsewhere and must not be started.
  const { KAFKA_BROKERS: _shared, ...inherited } = process.env;
  stackEnv = {
    ...inherited,
    SLUICE_STACK_DIR: join(dir, 'stack'),
    SLUICE_KAFKA_PORT: String(plainPort),
    SLUICE_KAFKA_CONTROLLER_PORT: String(controllerPort),
    SLUICE_KAFKA_EXTRA_PROPERTIES: join(dir, 'extra.properties'),
    SLUICE_KAFKA_SCRAM: `SCRAM-SHA-512=[name=scramuser,password=${SCRAM_PASSWORD}]`,
  };
  started = true; // set first: a half-started broker is still stopped in afterAll
  await exec(process.execPath, [cliPath, 'stack', 'up', 'kafka'], { env: stackEnv, timeout: 120_000 });
}, 130_000);

afterAll(async () => {
  if (started) {
    await exec(process.execPath, [cliPath, 'stack', 'down', 'kafka'], {
      env: stackEnv,
      timeout: 60_000,
    }).catch((error: unknown) => console.warn(`private Kafka did not stop: ${(error as Error).message}`));
  }
  if (dir) await rm(dir, { recursive: true, force: true });
}, 70_000);

/** `sluice ARGS` with its own environment added to ours, stdin given. */
const sluice = (args: string[], options: { env?: NodeJS.ProcessEnv; stdin?: string } = {}) =>
  runCli(args, { env: options.env ?? {}, stdin: options.stdin ?? '', timeoutMs: 90_000 });

const url = (credentials: string, topic: string, query: string) =>
  `kafka://${credentials}127.0.0.1:${saslPort}/${topic}${query ? `?${query}` : ''}`;

const kafkaConsumer = (target: string, group: string) =>
  new KafkaConsumer(parseBrokerUrl(target), { group, logger: createLogger({ level: 'silent' }) });

/** No password, in any spelling, may show in what the CLI prints (nor a stack trace). */
const SECRETS = [PLAIN_PASSWORD, SCRAM_PASSWORD, WRONG_PASSWORD, STORE_PASSWORD];

describe('Kafka over SASL_SSL (private broker)', () => {
  it('SASL PLAIN, CA given by ?ca=: Sluice publishes and consumes', async () => {
    const topic = uniqueStream('sasl-plain');
    const target = url(`plainuser:${PLAIN_PASSWORD}@`, topic, `ca=${encodeURIComponent(ca)}&partitions=2`);
    const producer = new KafkaProducer(parseBrokerUrl(target), { logger: createLogger({ level: 'silent' }) });
    const ids = Array.from({ length: 20 }, (_, i) => recordId('sasl-plain', i));
    await producer.publish(
      ids.map((id, i) => ({ id, line: `plain ${i}`, source: `s${i % 2}`, offset: i, shippedAt: Date.now() })),
    );
    await producer.close();
    const got = await consumeAll(kafkaConsumer(target, `g-${topic}`), 20);
    expect(got.map((r) => r.id).sort()).toEqual([...ids].sort());
  }, 60_000);

  it('SCRAM-SHA-512 with credentials and CA from the environment: `sluice ship` and `sluice lag`', async () => {
    const topic = uniqueStream('sasl-scram');
    const env = {
      KAFKA_SASL_USERNAME: 'scramuser',
      KAFKA_SASL_PASSWORD: SCRAM_PASSWORD,
      KAFKA_SASL_MECHANISM: 'scram-sha-512',
      KAFKA_TLS_CA_FILE: ca,
    };
    const lines = Array.from({ length: 5 }, (_, i) => `scram line ${i}`);
    const shipped = await sluice(['ship', '--stdin', '--to', url('', topic, '')], {
      env,
      stdin: `${lines.join('\n')}\n`,
    });
    expect(shipped.stderr).toContain('"msg":"shipped","lines":5');
    expect(shipped.code, shipped.stderr).toBe(0);
    expectCleanOutput(shipped.stdout + shipped.stderr, SECRETS);

    const lag = await sluice(['lag', '--from', url('', topic, ''), '--group', 'never-read', '--json'], {
      env,
    });
    expect(lag.code, lag.stderr).toBe(0);
    const total = lag.stdout
      .trim()
      .split('\n')
      .reduce((n, line) => n + (JSON.parse(line) as { lag: number }).lag, 0);
    expect(total).toBe(5);

    // And the same SCRAM user read back through the URL form, mechanism by option.
    const got = await consumeAll(
      kafkaConsumer(
        url(`scramuser:${encodeURIComponent(SCRAM_PASSWORD)}@`, topic, `sasl=scram-sha-512&ca=${ca}`),
        `g-${topic}`,
      ),
      5,
    );
    expect(got.map((r) => r.line).sort()).toEqual(lines);
  }, 60_000);

  it.each([
    ['PLAIN', 'plainuser', ''],
    ['SCRAM-SHA-512', 'scramuser', 'sasl=scram-sha-512&'],
  ])(
    'a wrong %s password: exit 2, one clear line, no password',
    async (_mechanism, user, sasl) => {
      const topic = uniqueStream('sasl-wrong');
      const result = await sluice(
        ['ship', '--stdin', '--to', url(`${user}:${WRONG_PASSWORD}@`, topic, `${sasl}ca=${ca}`)],
        { stdin: 'a line\n' },
      );
      expect(result.code, result.stderr).toBe(2);
      expect(result.stderr).toMatch(
        /^sluice: cannot connect the Kafka producer .*SASL .*authentication failed/m,
      );
      expect(result.stderr).toContain('hint: check the SASL username, password and mechanism');
      expectCleanOutput(result.stdout + result.stderr, SECRETS);
    },
    60_000,
  );

  it('no CA for a private certificate: exit 2 with a message about TLS trust', async () => {
    const result = await sluice(
      ['ship', '--stdin', '--to', url(`plainuser:${PLAIN_PASSWORD}@`, uniqueStream('sasl-noca'), 'tls=true')],
      { stdin: 'a line\n' },
    );
    expect(result.code, result.stderr).toBe(2);
    expect(result.stderr).toMatch(/^sluice: cannot connect the Kafka producer .*certificate/m);
    expect(result.stderr).toContain(
      "hint: the broker's TLS certificate is not trusted: pass its CA with ?ca=",
    );
    expectCleanOutput(result.stdout + result.stderr, SECRETS);
  }, 90_000);
});
