import { brokerHelp, checkBrokerReachable, createConsumer, parseBrokerUrl } from '@sluice/brokers';
import { ConsumerRuntime } from '@sluice/consumer';
import {
  ConfigError,
  compileIndexName,
  createLogger,
  type IndexNameFn,
  type JsonObject,
  redactUrl,
} from '@sluice/core';
import {
  type ConnectionOptions,
  createClient,
  type DeadLetterDocument,
  deadLetterFromRecord,
  ElasticsearchSink,
  encodeDeadLetters,
  type ReplayTransform,
  rawLineTransform,
  replayDeadLetters,
} from '@sluice/indexer';
import { createPipeline } from '@sluice/parser';
import type { Command } from 'commander';
import { runCommand } from '../run-command.js';
import { deadLetterOption } from './dead-letter-option.js';
import { addEsOptions, type EsCliOptions, esConnection, withEsErrors } from './es-connection.js';
import { secondsOption } from './options.js';
import { type PipelineFlags, pipelineSource } from './pipeline-option.js';
import { handleStopSignals } from './stop-signals.js';

interface ReplayCliOptions extends EsCliOptions, PipelineFlags {
  fromIndex: string;
  index?: string;
  deleteAfter?: boolean;
  from?: string;
  group: string;
  exitWhenIdle: number;
  deadLetter?: string;
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
    .option(
      '--from <url>',
      `read dead letters from a broker instead (what \`consume --dead-letter URL\` wrote): ${brokerHelp.urls()}; each is acknowledged once its record is indexed or dead-lettered again`,
    )
    .option('--group <name>', `with --from: ${brokerHelp.group()}`, 'sluice-dlq-replay')
    .option(
      '--exit-when-idle <seconds>',
      'with --from: stop after this long with nothing received and no lag left',
      secondsOption('--exit-when-idle'),
      5,
    )
    .option(
      '--dead-letter <index|url>',
      'with --from: where letters refused again go (default: the sluice-dlq-* index; never the --from stream)',
    )
    .action((options: ReplayCliOptions) => runCommand(() => replay(options)));
}

async function replay(options: ReplayCliOptions): Promise<number> {
  const source = pipelineSource(options, 'optional');
  let transform: ReplayTransform = rawLineTransform;
  if (source !== undefined) {
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
  if (options.from !== undefined) return replayFromBroker(options, connection, transform, index);
  if (options.deadLetter !== undefined) throw new ConfigError('--dead-letter goes with --from');
  const client = createClient(connection);
  try {
    const summary = await withEsErrors(connection, () =>
      replayDeadLetters(client, {
        sink: { ...connection, logger: createLogger({}, { component: 'dlq-replay' }) },
        fromIndex: options.fromIndex,
        transform,
        ...(index ? { index } : {}),
        deleteAfter: options.deleteAfter === true,
      }),
    );
    process.stdout.write(
      `read ${summary.read} dead letters: ${summary.indexed} indexed, ${summary.duplicates} already indexed, ` +
        `${summary.failedAgain} refused again (kept), ${summary.dropped} dropped by the pipeline, ${summary.deleted} deleted\n`,
    );
    return summary.failedAgain > 0 ? 1 : 0;
  } finally {
    await client.close();
  }
}

/**
 * Replay from a dead-letter topic, list or queue: the same consumer runtime as `consume`
 * (in-flight budget, acknowledgement only after the sink settled every item), with the
 * letters decoded back from their broker form and run through the (fixed) pipeline
 * instead of the parser pool. A letter refused again goes to `--dead-letter` with its new
 * reason, never back onto the stream being read, so the replay ends.
 */
/** How long a replay from a broker may drain after SIGTERM, as consume's default --shutdown-timeout. */
const REPLAY_SHUTDOWN_SECONDS = 30;

async function replayFromBroker(
  options: ReplayCliOptions,
  connection: ConnectionOptions,
  transform: ReplayTransform,
  index: IndexNameFn | undefined,
): Promise<number> {
  if (options.deleteAfter) {
    throw new ConfigError('--delete-after goes with --from-index', {
      hint: 'with --from, a dead letter leaves the broker once its record is indexed (it is acknowledged)',
    });
  }
  const source = parseBrokerUrl(options.from as string);
  const again = deadLetterOption(options.deadLetter);
  if (
    again.broker &&
    again.broker.kind === source.kind &&
    again.broker.stream === source.stream &&
    again.broker.brokers.join(',') === source.brokers.join(',')
  ) {
    throw new ConfigError(
      '--dead-letter must not be the --from stream: letters refused again would be read again',
      {
        hint: 'give another topic, list or queue, or leave --dead-letter out to keep them in the sluice-dlq-* index',
      },
    );
  }
  const log = createLogger({}, { component: 'dlq-replay' });
  const sink = await ElasticsearchSink.create({
    ...connection,
    logger: log,
    ...(again.target ? { deadLetter: again.target } : {}),
  });
  try {
    await again.open();
    await checkBrokerReachable(source);
    const consumer = await createConsumer(source, { group: options.group });
    const runtime = new ConsumerRuntime({
      consumer,
      sink,
      logger: log,
      encoder: {
        encode: (records) => encodeDeadLetters(records.map(deadLetterFromRecord), transform, index),
      },
      exitWhenIdleMs: options.exitWhenIdle * 1_000,
    });
    // The same stop as consume's: the first signal drains (what is not acknowledged stays on the
    // broker), a second exits at once.
    const signals = handleStopSignals({
      log,
      deadlineSeconds: REPLAY_SHUTDOWN_SECONDS,
      stopping: 'draining in-flight dead letters',
      secondSignal: 'second signal: exiting without draining; unacknowledged letters stay on the broker',
      stop: () => void runtime.stop(),
      deadlinePassed: () => {
        log.error('shutdown deadline passed; unacknowledged letters stay on the broker');
        process.exit(1);
      },
    });
    const summary = await runtime.run();
    signals.drained();
    process.stdout.write(
      `read ${summary.records} dead letters from ${redactUrl(options.from as string)}: ` +
        `${summary.indexed} indexed, ${summary.duplicates} already indexed, ` +
        `${summary.deadLettered} refused again (to ${again.describe}), ${summary.dropped} dropped by the pipeline\n`,
    );
    return summary.deadLettered > 0 ? 1 : 0;
  } finally {
    await sink.close();
    await again.close();
  }
}
