import { ConfigError, choiceProblem, type InboundRecord } from '@sluice/core';
import {
  ECS_COMPATIBILITY_VALUES,
  loadPatternsDir,
  PARSER_POOL_DEFAULTS,
  parseEcsCompatibility,
  TimedParser,
} from '@sluice/parser';
import type { Command } from 'commander';
import { runCommand } from '../run-command.js';
import { intOption } from './options.js';
import {
  addInputOptions,
  type InputOptionValues,
  inputFormat,
  multilineConfig,
  readStdinEvents,
} from './stdin-events.js';
import { writeOut } from './write-out.js';

interface GrokOptions extends InputOptionValues {
  pattern: string[];
  patternsDir?: string;
  ecsCompatibility: string;
  timeout: number;
}

/**
 * `sluice grok --pattern P [--pattern P2] [--patterns-dir DIR]`: a grok debugger on stdin.
 * One JSON value per input event on stdout (a line, or lines joined by --multiline): the
 * captured fields (types applied, nested as they would be in an event) or `null`. An
 * event that takes longer than --timeout to match prints `null`, with a note on stderr.
 * An unknown pattern or invalid regex exits 2.
 */
export function register(program: Command): void {
  const command = program
    .command('grok')
    .description(
      'Match stdin lines against grok patterns; print the captured fields (or null) per line as JSON',
    )
    .requiredOption('--pattern <grok...>', 'grok pattern(s), tried in order; the first match wins')
    .option('--patterns-dir <dir>', 'directory of extra pattern files (NAME regex per line)')
    .option(
      '--ecs-compatibility <mode>',
      "names of the built-in patterns' captures: v1 (ECS, also v8) or disabled (legacy Logstash names)",
      'v1',
    );
  addInputOptions(command)
    .option(
      '--timeout <ms>',
      'time budget per line; past it the line prints null and a note on stderr (_groktimeout)',
      intOption('--timeout', 10, 60_000),
      PARSER_POOL_DEFAULTS.eventBudgetMs,
    )
    .action((options: GrokOptions) => runCommand(() => grok(options)));
}

async function grok(options: GrokOptions): Promise<number> {
  const definitions = options.patternsDir === undefined ? {} : loadPatternsDir(options.patternsDir);
  if (options.pattern.some((p) => p === '')) throw new ConfigError('--pattern must not be empty');
  const ecsCompatibility = parseEcsCompatibility(options.ecsCompatibility);
  if (ecsCompatibility === undefined) {
    throw new ConfigError(
      `--ecs-compatibility ${choiceProblem(options.ecsCompatibility, ECS_COMPATIBILITY_VALUES, { quote: true })}`,
    );
  }
  const format = inputFormat(options);
  const multiline = multilineConfig(options, undefined);
  const parser = await TimedParser.create(
    { kind: 'grok', patterns: options.pattern, definitions, ecsCompatibility },
    { budgetMs: options.timeout },
  );
  let badLines = 0;
  let errors = 0;
  try {
    const events = readStdinEvents(process.stdin, {
      format,
      ...(multiline ? { multiline } : {}),
      onBadLine: (lineNumber, reason) => {
        badLines += 1;
        process.stderr.write(`sluice grok: line ${lineNumber}: ${reason}; skipped\n`);
      },
    });
    for await (const batch of events) {
      const records: InboundRecord[] = batch.map((event) => ({
        id: String(event.lineNumber),
        line: event.text,
        format: 'raw',
        origin: 'stdin',
      }));
      const results = await parser.parse(records);
      const out: string[] = [];
      for (let i = 0; i < results.length; i++) {
        const result = results[i];
        const lineNumber = batch[i]?.lineNumber;
        if (result === undefined) continue;
        if (result.error !== undefined) {
          errors += 1;
          process.stderr.write(
            `sluice grok: line ${lineNumber}: matching failed: ${result.error}; printed null\n`,
          );
        } else if (result.timedOut) {
          process.stderr.write(
            `sluice grok: line ${lineNumber}: no result within ${parser.budgetMs} ms (_groktimeout); printed null\n`,
          );
        }
        out.push(result.json ?? 'null');
      }
      if (out.length > 0) await writeOut(`${out.join('\n')}\n`);
    }
  } finally {
    await parser.close();
  }
  return badLines > 0 || errors > 0 ? 1 : 0;
}
