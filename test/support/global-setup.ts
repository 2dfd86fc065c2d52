import { existsSync } from 'node:fs';
import { request } from 'node:http';
import { homedir } from 'node:os';
import { join } from 'node:path';
import {
  brokerOfService,
  ELASTICSEARCH_VERSION,
  ENV_VARS,
  probeElasticsearch,
  resolveEndpoints,
  SERVICES,
  type ServiceName,
  type StackEndpoints,
  stackUp,
} from '@sluice/cli';
import type { TestProject } from 'vitest/node';
import { type TestEnv, type TestEnvSource, testEnvOf } from './env-shape.js';
import { freePort, tcpOpen } from './net.js';

/**
 * Picks the services for this test run, once, in the vitest main process (see env.ts for the
 * order). The choice reaches tests two ways: `provide` (read with `testEnv()`), and each
 * service's variable (ELASTICSEARCH_URL and the brokers' `local.environment`: KAFKA_BROKERS,
 * REDIS_URL, AMQP_URL, ...), which forked workers and any CLI process a test spawns inherit.
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
    how = 'every address from the environment';
  } else if (mode === 'testcontainers' || (mode === 'auto' && (await dockerAnswers()))) {
    source = 'testcontainers';
    const started = await startContainers(missing);
    resolved = {
      elasticsearchUrl: started.elasticsearchUrl ?? endpoints.elasticsearchUrl,
      brokers: { ...endpoints.brokers, ...started.brokers },
    };
    teardown = started.stop;
    how = `containers for ${missing.join(', ')}`;
  } else {
    const result = await stackUp({ note: (line) => console.log(`[sluice stack] ${line}`) });
    how = `sluice stack (${result.services.map((s) => `${s.service}: ${s.owner}`).join(', ')}) ready in ${(result.ms / 1000).toFixed(1)}s`;
  }

  const env: TestEnv = testEnvOf(resolved.elasticsearchUrl, resolved.brokers, source);
  const addresses = SERVICES.map((service) => [service, addressOf(resolved, service)] as const);
  for (const [service, address] of addresses) process.env[ENV_VARS[service] as string] = address;
  process.env.SLUICE_TEST_ENV_SOURCE = source;
  console.log(
    `sluice test env: ${source} (${how}); ${addresses.map(([service, address]) => `${service} ${redact(address)}`).join(', ')}`,
  );
  return { env, teardown };
}

function addressOf(endpoints: StackEndpoints, service: ServiceName): string {
  return service === 'elasticsearch' ? endpoints.elasticsearchUrl : (endpoints.brokers[service] ?? '');
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
  const checks = await Promise.all(
    SERVICES.map(async (service) => {
      const address = addressOf(endpoints, service);
      const descriptor = brokerOfService(service);
      const result = descriptor ? await descriptor.local.probe(address) : await probeElasticsearch(address);
      return [ENV_VARS[service] as string, result] as const;
    }),
  );
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
  readonly elasticsearchUrl?: string;
  readonly brokers: Record<ServiceName, string>;
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
  const brokers: Record<ServiceName, string> = {};
  let elasticsearchUrl: string | undefined;
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
        const local = brokerOfService(service)?.local;
        if (local) {
          const { container } = local;
          const port = container.samePort ? await freePort() : container.port;
          let definition = new GenericContainer(container.image).withExposedPorts(
            container.samePort ? { container: port, host: port } : port,
          );
          if (container.environment)
            definition = definition.withEnvironment(container.environment(host, port));
          if (container.readyLog)
            definition = definition.withWaitStrategy(Wait.forLogMessage(container.readyLog));
          const running = await definition.start();
          started.push(running);
          const address = container.address(running.getHost(), running.getMappedPort(port));
          brokers[service] = address;
          await wait(service, () => local.probe(address));
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
          elasticsearchUrl = url;
          await wait('elasticsearch', () => probeElasticsearch(url));
        } else {
          throw new Error(`no container known for service ${service}`);
        }
      }),
    );
  } catch (error) {
    await Promise.allSettled(started.map((c) => c.stop()));
    throw error;
  }
  return {
    ...(elasticsearchUrl === undefined ? {} : { elasticsearchUrl }),
    brokers,
    stop: async () => {
      await Promise.allSettled(started.map((c) => c.stop()));
    },
  };
}
