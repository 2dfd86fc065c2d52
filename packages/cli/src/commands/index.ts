import type { Command } from 'commander';
import { register as dlq } from './dlq.js';
import { register as retention } from './retention.js';
import { register as grok } from './grok.js';
import { register as modules } from './modules.js';
import { register as parse } from './parse.js';
import { register as stack } from './stack.js';
import { register as ship } from './ship.js';

/**
 * Every subcommand is one module exporting `register(program)`. A new command is one
 * file plus one line here.
 */
export type RegisterCommand = (program: Command) => void;

export const commands: RegisterCommand[] = [ship, retention, dlq, grok, parse, modules, stack];
