import { BROKERS } from '@sluice/brokers';
import { brokerAddress } from './env.js';
import type { BrokerHarness, HarnessModule } from './harness/common.js';

export type { BrokerHarness, HarnessModule } from './harness/common.js';

/**
 * Backends as the suites run them: a registered kind (`redis`), or a kind with one of its
 * harness's variants (`rabbitmq-quorum`).
 */
export type HarnessName = string;

/**
 * The harness of a registered kind, from `test/support/harness/<kind>.ts`. A kind without one
 * fails here, loudly: a backend is not done until the conformance suite runs on it.
 */
async function harnessModule(kind: string): Promise<HarnessModule> {
  try {
    // A computed specifier (vite-ignore): Vite's static glob for `./harness/${kind}.js` finds no
    // .js files; resolved at run time, `.js` maps to the `.ts` source as for any import.
    const specifier = `./harness/${kind}.js`;
    return (await import(/* @vite-ignore */ specifier)) as HarnessModule;
  } catch (error) {
    throw new Error(`no conformance harness for broker "${kind}": add test/support/harness/${kind}.ts`, {
      cause: error,
    });
  }
}

/** Every registered kind and its variants, in registry order: what the conformance suite runs. */
export async function harnessNames(): Promise<HarnessName[]> {
  const names: HarnessName[] = [];
  for (const { kind } of BROKERS) {
    names.push(kind);
    for (const variant of (await harnessModule(kind)).variants ?? []) names.push(`${kind}-${variant}`);
  }
  return names;
}

export async function harnessFor(name: HarnessName): Promise<BrokerHarness> {
  // The longest registered kind the name starts with: `rabbitmq-quorum` is rabbitmq's `quorum`.
  const kind = BROKERS.map((d) => d.kind)
    .filter((k) => name === k || name.startsWith(`${k}-`))
    .sort((a, b) => b.length - a.length)[0];
  if (kind === undefined) throw new Error(`no broker backend for harness "${name}"`);
  const variant = name === kind ? undefined : name.slice(kind.length + 1);
  return (await harnessModule(kind)).createHarness(brokerAddress(kind), variant);
}
