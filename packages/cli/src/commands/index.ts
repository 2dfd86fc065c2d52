import type { Command } from 'commander';

/**
 * Every subcommand is one module exporting `register(program)`. A new command is one
 * file plus one line here.
 */
export type RegisterCommand = (program: Command) => void;

export const commands: RegisterCommand[] = [];
