import { ConfigError, compileIndexName, createLogger, type JsonObject } from '@sluice/core';
import {
  createClient,
  type DeadLetterDocument,
  type ReplayTransform,
  rawLineTransform,
  replayDeadLetters,
} from '@sluice/indexer';
import { createPipeline, type PipelineSource } from '@sluice/parser';
import type { Command } from 'commander';
import { runCommand } from '../run-command.js';
import { addEsOptions, type EsCliOptions, esConnection } from './retention.js';

interface ReplayCliOptions extends EsCliOptions {
  fromIndex: string;
  module?: string;
  pattern?: string[];
  config?: string;
  patternsDir?: string;
  index?: string;
  deleteAfter?: boolean;
}

/**
 * `sluice dlq replay`: reads dead letters, runs their original lines through a (fixed)
 * pipeline and indexes them under their original ids; `--delete-after` removes each dead
 * letter only once its record is in Elasticsearch. Without a pipeline the raw line is
 * indexed as `message`.
 */
export function register(program: Command): void {
  const dlq = program.command('dlq').description('Work with dead letters (records Elasticsearch refused)');
  addEsOptions(
    dlq.command('replay').description('Send dead letters back through a (fixed) pipeline into Elasticsearch'),
  )
    .option('--from-index <pattern>', 'dead-letter indices to read', 'sluice-dlq-*')
    .option('--module <name>', 'prebuilt pipeline (see `sluice modules`)')
    .option('--pattern <grok...>', 'grok pattern(s), tried in order')
    .option('--config <file>', 'pipeline file (YAML or JSON)')
    .option('--patterns-dir <dir>', 'directory of extra grok pattern files')
    .option(
      '--index <template>',
      "target index template, e.g. 'logs-%{+yyyy.MM.dd}' (default: the index each record was meant for)",
    )
    .option('--delete-after', 'delete each dead letter once its record is indexed')
    .action((options: ReplayCliOptions) => runCommand(() => replay(options)));
}

async function replay(options: ReplayCliOptions): Promise<number> {
  const given = [options.module, options.config, options.pattern].filter((v) => v !== undefined).length;
  if (given > 1) throw new ConfigError('give at most one of --module, --config or --pattern');
  let transform: ReplayTransform = rawLineTransform;
  if (given === 1) {
    const source: PipelineSource = {
      ...(options.module !== undefined ? { module: options.module } : {}),
      ...(options.config !== undefined ? { configFile: options.config } : {}),
      ...(options.pattern !== undefined ? { patterns: options.pattern } : {}),
      ...(options.patternsDir !== undefined ? { patternsDir: options.patternsDir } : {}),
    };
    const run = await createPipeline(source);
    transform = (letter: DeadLetterDocument) =>
      run({
        id: letter.sluice.record_id,
        line: letter.message,
        source: letter.sluice.origin,
        format: 'raw',
        origin: letter.sluice.origin,
      }) as JsonObject[];
  }
  const index = options.index ? compileIndexName(options.index) : undefined;
  const connection = esConnection(options);
  const client = createClient(connection);
  try {
    const summary = await replayDeadLetters(client, {
      sink: { ...connection, logger: createLogger({}, { component: 'dlq-replay' }) },
      fromIndex: options.fromIndex,
      transform,
      ...(index ? { index } : {}),
      deleteAfter: options.deleteAfter === true,
    });
    process.stdout.write(
      `read ${summary.read} dead letters: ${summary.indexed} indexed, ${summary.duplicates} already indexed, ` +
        `${summary.failedAgain} refused again (kept), ${summary.dropped} dropped by the pipeline, ${summary.deleted} deleted\n`,
    );
    return summary.failedAgain > 0 ? 1 : 0;
  } finally {
    await client.close();
  }
}
