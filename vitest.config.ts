import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const pkg = (name: string) => fileURLToPath(new URL(`./packages/${name}/src/index.ts`, import.meta.url));

// Tests import packages by name, never a path into one (the package index is the contract);
// resolve them to source so a test never runs stale build output. Worker files (Piscina) and
// the CLI as a command still run from dist/, which `pnpm test` builds first.
export default defineConfig({
  resolve: {
    alias: [
      // A backend's adapter classes (`@sluice/brokers/redis`), as the package's "./*" export.
      {
        find: /^@sluice\/brokers\/([a-z0-9-]+)$/,
        replacement: fileURLToPath(new URL('./packages/brokers/src/$1/client.ts', import.meta.url)),
      },
      // Entry points beside a package's index, for processes that need one part of it cheaply.
      {
        find: /^@sluice\/core\/config$/,
        replacement: fileURLToPath(new URL('./packages/core/src/config/index.ts', import.meta.url)),
      },
      {
        find: /^@sluice\/parser\/pool$/,
        replacement: fileURLToPath(new URL('./packages/parser/src/pool/index.ts', import.meta.url)),
      },
      ...['core', 'brokers', 'parser', 'indexer', 'shipper', 'consumer', 'cli', 'testkit'].map((name) => ({
        find: new RegExp(`^@sluice/${name}$`),
        replacement: pkg(name),
      })),
    ],
  },
  test: {
    globalSetup: ['test/support/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    poolOptions: { forks: { maxForks: 2, minForks: 1 } },
    // Tests that stop, restart or starve a shared service (Elasticsearch down for a minute,
    // RabbitMQ restarted) would break whatever runs beside them: they live in test/faults/
    // and run after everything else, one file at a time (`scripts/test-all.mjs`).
    projects: [
      {
        extends: true,
        test: {
          name: 'main',
          include: ['packages/*/src/**/*.test.ts', 'test/**/*.test.ts'],
          exclude: ['test/faults/**', '**/node_modules/**'],
        },
      },
      {
        extends: true,
        test: {
          name: 'faults',
          include: ['test/faults/**/*.test.ts'],
          // One fork for the whole project, so its files run one after another (vitest 3
          // ignores `fileParallelism` inside a project; test-all also passes --no-file-parallelism).
          poolOptions: { forks: { singleFork: true } },
          testTimeout: 300_000,
        },
      },
    ],
  },
});
