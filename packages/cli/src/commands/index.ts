import type { Command } from 'commander';

/**
 * Every subcommand is one module exporting `register(program)`. A new command is one
 * file plus one line here.
 */
export type RegisterCommand = (program: Command) => void;

type CommandModule = () => Promise<{ register: RegisterCommand }>;

/**
 * Loaded on demand: `sluice ship` on every server should not pay for Elasticsearch, the
 * parser pool and three broker clients it never uses (start-up time and resident memory).
 * The key is the command's name as typed; help loads them all.
 */
export const commandModules: Readonly<Record<string, CommandModule>> = {
  ship: () => import('./ship.js'),
  consume: () => import('./consume.js'),
  retention: () => import('./retention.js'),
  dlq: () => import('./dlq.js'),
  grok: () => import('./grok.js'),
  suggest: () => import('./suggest.js'),
  parse: () => import('./parse.js'),
  check: () => import('./check.js'),
  modules: () => import('./modules.js'),
  kibana: () => import('./kibana.js'),
  top: () => import('./top.js'),
  lag: () => import('./lag.js'),
  tap: () => import('./tap.js'),
  stack: () => import('./stack.js'),
  schema: () => import('./schema.js'),
};

/**
 * The commands to register for these arguments: the one named, none for a bare `--version`
 * (loading them all cost it over half a second), or all of them (help, typos).
 */
export async function commandsFor(argv: readonly string[]): Promise<RegisterCommand[]> {
  const name = argv.find((arg) => !arg.startsWith('-'));
  if (name === undefined && argv.some((a) => a === '-V' || a === '--version') && !argv.some(isHelp))
    return [];
  const only = name === undefined ? undefined : commandModules[name];
  const load = only ? [only] : Object.values(commandModules);
  return (await Promise.all(load.map((module) => module()))).map((m) => m.register);
}

const isHelp = (arg: string) => arg === '-h' || arg === '--help';
