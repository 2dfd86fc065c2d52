import { existsSync } from 'node:fs';
import { request } from 'node:http';
import { homedir } from 'node:os';
import { join } from 'node:path';
import {
  ELASTICSEARCH_VERSION,
  KAFKA_VERSION,
  probeAmqp,
  probeElasticsearch,
  probeKafka,
  probeRedis,
  resolveEndpoints,
  SERVICES,
  type ServiceName,
  stackUp,
} from '@sluice/cli';
import type { TestProject } from 'vitest/node';
import type { TestEnv, TestEnvSource } from './env.js';
import { freePort, tcpOpen } from './net.js';

/**
 * Picks the services for this test run, once, in the vitest main process (see env.ts for the
 * order). The choice reaches tests two ways: `provide` (read with `testEnv()`), and the
 * KAFKA_BROKERS / ELASTICSEARCH_URL / REDIS_URL / AMQP_URL variables, which forked workers and
 * any CLI process a test spawns inherit.
 *
 * SLUICE_TEST_STACK=auto|native|testcontainers|off overrides the choice (`off`: start nothing,
 * use the addresses as they are). When every file filter on the command line points into
 * packages/ (unit tests beside the code), nothing is started either: those tests need no
 * services, and a unit-test loop must not wait for Elasticsearch.
 */
interface Selection {
  readonly env: TestEnv;
  readonly teardown: (() => Promise<void>) | undefined;
}

interface Shared {
  selection?: Promise<Selection>;
  users: number;
}

// vitest runs global setup once per project (main, faults) in the same process. The second call
// must reuse the first choice: it would otherwise see the URLs the first one exported, take them
// for explicit ones and report `env`. Containers stop when the last project's teardown runs.
const SHARED = Symbol.for('sluice.test.globalSetup');
const globals = globalThis as typeof globalThis & { [SHARED]?: Shared };

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  globals[SHARED] ??= { users: 0 };
  const shared = globals[SHARED];
  shared.users++;
  shared.selection ??= select();
  const { env, teardown } = await shared.selection;
  project.provide('sluiceTestEnv', env);
  return async () => {
    shared.users--;
    if (shared.users === 0 && teardown) await teardown();
  };
}

async function select(): Promise<Selection> {
  const mode = process.env.SLUICE_TEST_STACK || 'auto';
  if (!['auto', 'native', 'testcontainers', 'off'].includes(mode)) {
    throw new Error(`SLUICE_TEST_STACK must be one of auto, native, testcontainers, off; got ${mode}`);
  }
  const { endpoints, explicit } = resolveEndpoints(process.env);
  const missing = SERVICES.filter((s) => !explicit.has(s));
  let source: TestEnvSource = missing.length === 0 ? 'env' : 'native';
  let resolved = endpoints;
  let teardown: (() => Promise<void>) | undefined;
  let how: string;

  if (mode === 'off' || (mode === 'auto' && unitTestsOnly())) {
    how = mode === 'off' ? 'SLUICE_TEST_STACK=off, nothing started' : 'unit tests only, nothing started';
  } else if (missing.length === 0) {
    await verifyExplicit();
    how = 'all four addresses from the environment';
  } else if (mode === 'testcontainers' || (mode === 'auto' && (await dockerAnswers()))) {
    source = 'testcontainers';
    const started = await startContainers(missing);
    resolved = { ...endpoints, ...started.endpoints };
    teardown = started.stop;
    how = `containers for ${missing.join(', ')}`;
  } else {
    const result = await stackUp({ note: (line) => console.log(`[sluice stack] ${line}`) });
    how = `sluice stack (${result.services.map((s) => `${s.service}: ${s.owner}`).join(', ')}) ready in ${(result.ms / 1000).toFixed(1)}s`;
  }

  const env: TestEnv = { ...resolved, kafkaBrokers: [...resolved.kafkaBrokers], source };
  process.env.KAFKA_BROKERS = env.kafkaBrokers.join(',');
  process.env.ELASTICSEARCH_URL = env.elasticsearchUrl;
  process.env.REDIS_URL = env.redisUrl;
  process.env.AMQP_URL = env.amqpUrl;
  process.env.SLUICE_TEST_ENV_SOURCE = source;
  console.log(
    `sluice test env: ${source} (${how}); kafka ${env.kafkaBrokers.join(',')}, elasticsearch ${env.elasticsearchUrl}, ` +
      `redis ${redact(env.redisUrl)}, amqp ${redact(env.amqpUrl)}`,
  );
  return { env, teardown };
}

function redact(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)([^:@/]*):([^@/]*)@/i, '$1$2:***@');
}

function unitTestsOnly(): boolean {
  const args = process.argv.slice(2);
  const filters = args.filter(
    (a, i) =>
      !a.startsWith('-') && !['run', 'watch', 'dev', 'related'].includes(a) && !args[i - 1]?.startsWith('--'),
  );
  return filters.length > 0 && filters.every((f) => f.replace(/^\.\//, '').startsWith('packages/'));
}

/** Addresses given in the environment must answer before any test runs against them. */
async function verifyExplicit(): Promise<void> {
  const { endpoints } = resolveEndpoints(process.env);
  const checks = await Promise.all([
    probeKafka(endpoints.kafkaBrokers).then((r) => ['KAFKA_BROKERS', r] as const),
    probeElasticsearch(endpoints.elasticsearchUrl).then((r) => ['ELASTICSEARCH_URL', r] as const),
    probeRedis(endpoints.redisUrl).then((r) => ['REDIS_URL', r] as const),
    probeAmqp(endpoints.amqpUrl).then((r) => ['AMQP_URL', r] as const),
  ]);
  const failed = checks.filter(([, r]) => !r.ok);
  if (failed.length > 0) {
    throw new Error(
      `test services from the environment do not answer: ${failed.map(([v, r]) => `${v} (${r.detail})`).join('; ')}`,
    );
  }
}

/**
 * A Docker engine is used only if it answers /_ping within a second. Without DOCKER_HOST and
 * without a socket file this costs nothing, which is the common case here.
 */
async function dockerAnswers(): Promise<boolean> {
  const host = process.env.DOCKER_HOST;
  if (host?.startsWith('tcp://')) {
    const url = new URL(host);
    return tcpOpen(url.hostname, Number(url.port || 2375), 1000);
  }
  const candidates = [
    host?.startsWith('unix://') ? host.slice('unix://'.length) : undefined,
    '/var/run/docker.sock',
    process.env.XDG_RUNTIME_DIR ? join(process.env.XDG_RUNTIME_DIR, 'docker.sock') : undefined,
    join(homedir(), '.docker', 'run', 'docker.sock'),
  ].filter((p): p is string => p !== undefined && existsSync(p));
  for (const socketPath of candidates) {
    if (await pingSocket(socketPath)) return true;
  }
  return false;
}

function pingSocket(socketPath: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request({ socketPath, path: '/_ping', timeout: 1000 }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(false));
    req.end();
  });
}

interface Started {
  readonly endpoints: Partial<TestEnv>;
  stop(): Promise<void>;
}

/**
 * One container per missing service, with the same versions and settings as the native stack.
 * NOTE: written against the testcontainers 11 API but not exercised on this machine, which has
 * no Docker engine; the native path is what CI runs here.
 */
async function startContainers(services: readonly ServiceName[]): Promise<Started> {
  const { GenericContainer, Wait, getContainerRuntimeClient } = await import('testcontainers');
  const runtime = await getContainerRuntimeClient();
  const host = runtime.info.containerRuntime.host;
  const started: { stop(): Promise<unknown> }[] = [];
  const endpoints: { -readonly [K in keyof TestEnv]?: TestEnv[K] } = {};
  const wait = async (what: string, probe: () => Promise<{ ok: boolean; detail: string }>) => {
    const deadline = Date.now() + 180_000;
    for (;;) {
      const result = await probe();
      if (result.ok) return;
      if (Date.now() > deadline)
        throw new Error(`${what} container did not become healthy: ${result.detail}`);
      await new Promise((r) => setTimeout(r, 500));
    }
  };
  try {
    await Promise.all(
      services.map(async (service) => {
        if (service === 'kafka') {
          // Clients must reach the advertised address, so publish on the same port number.
          const port = await freePort();
          const container = await new GenericContainer(`apache/kafka:${KAFKA_VERSION}`)
            .withExposedPorts({ container: port, host: port })
            .withEnvironment({
              KAFKA_NODE_ID: '1',
              KAFKA_PROCESS_ROLES: 'broker,controller',
              KAFKA_LISTENERS: `PLAINTEXT://:${port},CONTROLLER://:9093`,
              KAFKA_ADVERTISED_LISTENERS: `PLAINTEXT://${host}:${port}`,
              KAFKA_CONTROLLER_LISTENER_NAMES: 'CONTROLLER',
              KAFKA_LISTENER_SECURITY_PROTOCOL_MAP: 'PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
              KAFKA_CONTROLLER_QUORUM_VOTERS: '1@localhost:9093',
              KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR: '1',
              KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR: '1',
              KAFKA_TRANSACTION_STATE_LOG_MIN_ISR: '1',
              KAFKA_SHARE_COORDINATOR_STATE_TOPIC_REPLICATION_FACTOR: '1',
              KAFKA_SHARE_COORDINATOR_STATE_TOPIC_MIN_ISR: '1',
              KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS: '0',
              KAFKA_AUTO_CREATE_TOPICS_ENABLE: 'true',
            })
            .start();
          started.push(container);
          endpoints.kafkaBrokers = [`${host}:${port}`];
          await wait('kafka', () => probeKafka([`${host}:${port}`]));
        } else if (service === 'elasticsearch') {
          const container = await new GenericContainer(
            `docker.elastic.co/elasticsearch/elasticsearch:${ELASTICSEARCH_VERSION}`,
          )
            .withExposedPorts(9200)
            .withEnvironment({
              'discovery.type': 'single-node',
              'xpack.security.enabled': 'false',
              'cluster.routing.allocation.disk.threshold_enabled': 'false',
              'action.destructive_requires_name': 'false',
              ES_JAVA_OPTS: '-Xms1g -Xmx1g',
            })
            .start();
          started.push(container);
          const url = `http://${container.getHost()}:${container.getMappedPort(9200)}`;
          endpoints.elasticsearchUrl = url;
          await wait('elasticsearch', () => probeElasticsearch(url));
        } else if (service === 'redis') {
          const container = await new GenericContainer('redis:7-alpine').withExposedPorts(6379).start();
          started.push(container);
          const url = `redis://${container.getHost()}:${container.getMappedPort(6379)}`;
          endpoints.redisUrl = url;
          await wait('redis', () => probeRedis(url));
        } else {
          const container = await new GenericContainer('rabbitmq:3.13-alpine')
            .withExposedPorts(5672)
            .withWaitStrategy(Wait.forLogMessage(/Server startup complete/))
            .start();
          started.push(container);
          const url = `amqp://guest:guest@${container.getHost()}:${container.getMappedPort(5672)}`;
          endpoints.amqpUrl = url;
          await wait('rabbitmq', () => probeAmqp(url));
        }
      }),
    );
  } catch (error) {
    await Promise.allSettled(started.map((c) => c.stop()));
    throw error;
  }
  return {
    endpoints,
    stop: async () => {
      await Promise.allSettled(started.map((c) => c.stop()));
    },
  };
}
