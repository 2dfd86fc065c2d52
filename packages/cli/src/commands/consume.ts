import { brokerHelp, checkBrokerReachable, createConsumer, parseBrokerUrl } from '@sluice/brokers';
import { ConsumerRuntime } from '@sluice/consumer';
import {
  collectProcessMetrics,
  createLogger,
  disableMetrics,
  parseListenAddress,
  startMetricsServer,
} from '@sluice/core';
import { describeNode, ElasticsearchSink } from '@sluice/indexer';
import { ParserPool } from '@sluice/parser/pool';
import type { Command } from 'commander';
import { runCommand } from '../run-command.js';
import { DEAD_LETTER_HELP, deadLetterOption, pipelineName } from './dead-letter-option.js';
import { type EsCliOptions, esConnection } from './es-connection.js';
import { esOption, fromOption, intOption, secondsOption } from './options.js';
import { type PipelineFlags, pipelineSource } from './pipeline-option.js';
import { handleStopSignals } from './stop-signals.js';

const DEFAULT_ES = 'http://127.0.0.1:9200';

interface ConsumeOptions extends EsCliOptions, PipelineFlags {
  from: string;
  index: string;
  group: string;
  exitWhenIdle?: number;
  metrics?: string;
  threads?: number;
  minThreads?: number;
  batchSize: number;
  maxInflightEvents: number;
  maxInflightMib: number;
  shutdownTimeout: number;
  poisonAttempts: number;
  deadLetter?: string;
}

export function register(program: Command): void {
  program
    .command('consume')
    .description(
      'Consume from a broker, parse in a worker pool, bulk-index into Elasticsearch; ack only after indexing',
    )
    .addOption(fromOption(brokerHelp.urls()))
    .addOption(
      esOption(
        `Elasticsearch URL (default: $ELASTICSEARCH_URL or ${DEFAULT_ES}); credentials from ELASTICSEARCH_USERNAME/PASSWORD or ELASTICSEARCH_API_KEY`,
      ),
    )
    .option('--es-ca <file>', 'PEM file of the CA that signed the Elasticsearch certificate')
    .option('--cloud-id <id>', 'Elastic Cloud deployment id instead of --es')
    .option('--index <name>', 'index name or template, e.g. logs-%{+yyyy.MM.dd}', 'logs-%{+yyyy.MM.dd}')
    .option('--pattern <grok...>', 'grok pattern(s), tried in order')
    .option('--module <name>', 'prebuilt pipeline (see `sluice modules`)')
    .option('--config <file>', 'pipeline file (YAML or JSON)')
    .option('--patterns-dir <dir>', 'directory of extra grok pattern files')
    .option('--group <name>', brokerHelp.group(), 'sluice')
    .option(
      '--exit-when-idle <seconds>',
      'exit 0 after this long with nothing received and no lag left',
      secondsOption('--exit-when-idle'),
    )
    .option('--metrics <host:port>', 'serve /metrics, /healthz and /readyz here')
    .option(
      '--threads <n>',
      'most parser worker threads (default: cores); the pool adds workers up to this while batches wait for busy ones',
      intOption('--threads', 1, 256),
    )
    .option(
      '--min-threads <n>',
      'parser worker threads started at once and kept (default: 1)',
      intOption('--min-threads', 1, 256),
    )
    .option('--batch-size <n>', 'records per broker batch', intOption('--batch-size', 1, 100_000), 500)
    .option(
      '--max-inflight-events <n>',
      'pause the broker above this many unacknowledged events',
      intOption('--max-inflight-events', 1, 10_000_000),
      20_000,
    )
    .option(
      '--max-inflight-mib <n>',
      'pause the broker above this many MiB of unacknowledged lines',
      intOption('--max-inflight-mib', 1, 65_536),
      32,
    )
    .option(
      '--shutdown-timeout <seconds>',
      'on SIGTERM, give in-flight work this long to finish',
      secondsOption('--shutdown-timeout'),
      30,
    )
    .option('--dead-letter <index|url>', DEAD_LETTER_HELP)
    .option(
      '--poison-attempts <n>',
      'tries of a batch whose parsing keeps failing before it is split to find the record to dead-letter',
      intOption('--poison-attempts', 1, 100),
      3,
    )
    .action((options: ConsumeOptions) => runCommand(() => consume(options)));
}

async function consume(options: ConsumeOptions): Promise<number> {
  const log = createLogger();
  const pipeline = pipelineSource(options, 'required');
  // Validate everything that needs no network first, so bad input fails fast with exit 2.
  const target = parseBrokerUrl(options.from);
  const connection = esConnection(options, DEFAULT_ES);
  if (options.metrics !== undefined) parseListenAddress(options.metrics);
  // Nothing could read them: prom-client is not loaded (~50 ms of start-up CPU) unless a
  // pipeline file declares logs-to-metrics, as for `ship`.
  else disableMetrics();
  const deadLetter = deadLetterOption(options.deadLetter, pipelineName(options));
  const pool = await ParserPool.create({
    pipeline,
    index: options.index,
    ...(options.threads ? { threads: options.threads } : {}),
    ...(options.minThreads ? { minThreads: options.minThreads } : {}),
    // The workers decode the broker's payloads (where the backend hands them over raw):
    // the main thread then does I/O and bookkeeping only.
    payloadDecoder: import.meta.resolve('@sluice/brokers/payloads'),
  });
  const shutdown = new AbortController();
  try {
    const sink = await ElasticsearchSink.create({
      ...connection,
      indexName: options.index,
      signal: shutdown.signal,
      ...(deadLetter.target ? { deadLetter: deadLetter.target } : {}),
    });
    await deadLetter.open();
    await checkBrokerReachable(target);
    const consumer = await createConsumer(target, {
      group: options.group,
      batchSize: options.batchSize,
      rawPayloads: true,
    });
    const runtime = new ConsumerRuntime({
      consumer,
      encoder: pool,
      sink,
      logger: log,
      budget: { maxEvents: options.maxInflightEvents, maxBytes: options.maxInflightMib * 1024 * 1024 },
      ...(options.exitWhenIdle !== undefined ? { exitWhenIdleMs: options.exitWhenIdle * 1_000 } : {}),
      poisonAttempts: options.poisonAttempts,
    });
    let server: Awaited<ReturnType<typeof startMetricsServer>> | undefined;
    if (options.metrics) {
      collectProcessMetrics();
      server = await startMetricsServer(options.metrics, {
        // Not ready while stalled on either side: the broker, or Elasticsearch (retrying).
        ready: () => (consumer.connected ? (sink.stalled() ?? true) : 'not connected to the broker'),
      });
      log.info('metrics', { url: `${server.url}/metrics` });
    }
    const signals = handleStopSignals({
      log,
      deadlineSeconds: options.shutdownTimeout,
      stopping: 'draining in-flight work',
      secondSignal: 'second signal: exiting without draining; unacknowledged records will be redelivered',
      stop: () => void runtime.stop(),
      deadlinePassed: () => {
        log.error('shutdown deadline passed; unacknowledged records will be redelivered');
        shutdown.abort();
        process.exit(1);
      },
    });
    log.info('consuming', {
      from: options.from,
      es: describeNode(connection),
      index: options.index,
      group: options.group,
      deadLetter: deadLetter.describe,
    });
    const summary = await runtime.run();
    signals.drained();
    await sink.close();
    await deadLetter.close();
    await server?.close();
    log.info('stopped', { ...summary });
    return 0;
  } finally {
    await pool.close();
  }
}
