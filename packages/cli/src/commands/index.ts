import type { Command } from 'commander';
import { register as check } from './check.js';
import { register as consume } from './consume.js';
import { register as dlq } from './dlq.js';
import { register as grok } from './grok.js';
import { register as kibana } from './kibana.js';
import { register as lag } from './lag.js';
import { register as modules } from './modules.js';
import { register as parse } from './parse.js';
import { register as retention } from './retention.js';
import { register as ship } from './ship.js';
import { register as stack } from './stack.js';
import { register as tap } from './tap.js';
import { register as top } from './top.js';

/**
 * Every subcommand is one module exporting `register(program)`. A new command is one
 * file plus one line here.
 */
export type RegisterCommand = (program: Command) => void;

export const commands: RegisterCommand[] = [
  ship,
  consume,
  retention,
  dlq,
  grok,
  parse,
  check,
  modules,
  kibana,
  top,
  lag,
  tap,
  stack,
];
