import { type ConfigError, redactText } from '@sluice/core';
import { checkPipelineFile, resolveModule } from '@sluice/parser';
import type { Command } from 'commander';
import { missingOption, runCommand } from '../run-command.js';

interface CheckOptions {
  config?: string;
}

/**
 * `sluice check --config FILE` (like `logstash -t`): validates a pipeline file without
 * running it: every processor is built, so every option, pattern, regex, date format and
 * condition is checked. Prints `OK: FILE: N processors[, M metrics]` and exits 0, or prints every
 * error (file:line: processor N (name): ...) and exits 2. Nothing printed can carry a
 * secret: messages mask secret-looking keys and URL passwords.
 */
export function register(program: Command): void {
  program
    .command('check')
    .description('Validate a pipeline file (YAML or JSON) without running it; exit 2 on errors')
    .option('--config <file>', 'pipeline file to validate')
    .action((options: CheckOptions) => runCommand(() => check(options)));
}

async function check(options: CheckOptions): Promise<number> {
  if (options.config === undefined) throw missingOption('--config', 'sluice check --config pipeline.yaml');
  const file = options.config;
  const result = await checkPipelineFile(file, { resolveModule });
  if (result.errors.length === 0) {
    const metrics = result.metrics > 0 ? `, ${plural(result.metrics, 'metric')}` : '';
    process.stdout.write(`OK: ${file}: ${plural(result.steps, 'processor')}${metrics}\n`);
    return 0;
  }
  for (const error of result.errors) process.stderr.write(`${describeError(error)}\n`);
  const n = result.errors.length;
  process.stderr.write(`FAILED: ${file}: ${n} error${n === 1 ? '' : 's'}\n`);
  return 2;
}

function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

function describeError(error: ConfigError): string {
  const hint = error.hint ? `\n  hint: ${error.hint.replace(/\n/g, '\n  ')}` : '';
  return redactText(`${error.message}${hint}`);
}
