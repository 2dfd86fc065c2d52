import { brokerHelp, checkBrokerReachable, loadBrokerClient, parseBrokerUrl } from '@sluice/brokers';
import {
  BrokerError,
  ConfigError,
  collectProcessMetrics,
  createLogger,
  disableMetrics,
  parseListenAddress,
  readChoice,
  redactUrl,
  SluiceError,
  startMetricsServer,
} from '@sluice/core';
import {
  buildShipper,
  type InputConfig,
  loadShipperConfig,
  type ModuleCatalog,
  MULTILINE_PRESETS,
  type MultilinePreset,
  type ShipperConfig,
  type ShipperStats,
} from '@sluice/shipper';
import type { Command } from 'commander';
import { runCommand } from '../run-command.js';
import { intOption, secondsOption, toOption } from './options.js';
import { handleStopSignals } from './stop-signals.js';

/**
 * The parser's modules as the shipper needs them: names, and each one's multi-line rule.
 * Imported only when an input names a module: the parser package brings its worker pool
 * (piscina) and GeoIP reader, which plain shipping never uses.
 */
async function moduleCatalog(): Promise<ModuleCatalog> {
  const { moduleNames, modules } = await import('@sluice/parser');
  return { names: moduleNames(), multiline: (name) => modules[name]?.multiline };
}

interface ShipOptions {
  file?: string[];
  stdin?: boolean;
  to?: string;
  config?: string;
  follow?: boolean;
  fromBeginning?: boolean;
  fromEnd?: boolean;
  multiline?: string;
  module?: string;
  registry?: string;
  metrics?: string;
  field?: string[];
  tag?: string[];
  shipperId?: string;
  batchSize?: number;
  maxInFlight?: number;
  maxLineBytes?: number;
  shutdownTimeout: number;
}

export function register(program: Command): void {
  program
    .command('ship')
    .description(
      'Read log files (or stdin, TCP, UDP, syslog) and publish each line to a broker; exits when one-shot input is confirmed',
    )
    .option('--file <glob...>', 'file path or quoted glob to read (repeatable)')
    .option('--stdin', 'read lines from standard input')
    .addOption(toOption(brokerHelp.urls()))
    .option('--config <file>', 'shipper config (YAML); see packages/shipper/README.md')
    .option('--follow', 'keep tailing: new files, growth, rotation (default: read to the end once and exit)')
    .option('--from-beginning', 'read files seen for the first time from their start (default)')
    .option('--from-end', 'skip what files seen for the first time already hold (at start-up only)')
    .option('--multiline <preset>', `join multi-line events: ${MULTILINE_PRESETS.join(', ')}`)
    .option(
      '--module <name>',
      "join lines with that parser module's multi-line rule (`sluice modules`); --multiline wins over it",
    )
    .option('--registry <path>', 'remember confirmed offsets here, so a restart resumes without loss')
    .option('--metrics <host:port>', 'serve /metrics, /healthz and /readyz here')
    .option('--field <key=value...>', 'add a field to every record (repeatable)')
    .option('--tag <tag...>', 'add a tag to every record (repeatable)')
    .option('--shipper-id <id>', 'agent.id on every record and part of record ids (default: host name)')
    .option('--batch-size <n>', 'records per publish', intOption('--batch-size', 1, 100_000))
    .option(
      '--max-in-flight <n>',
      'batches published at once, confirmed in order (a crash re-sends up to this many)',
      intOption('--max-in-flight', 1, 64),
    )
    .option(
      '--max-line-bytes <n>',
      'longer lines are truncated and tagged sluice.truncated',
      intOption('--max-line-bytes', 16, 1024 ** 3),
    )
    .option(
      '--shutdown-timeout <seconds>',
      'on SIGTERM, give unconfirmed records this long',
      secondsOption('--shutdown-timeout'),
      30,
    )
    .action((options: ShipOptions, command: Command) => {
      // A config file names its own output: SLUICE_TO in the environment does not clash with it.
      if (options.config && command.getOptionValueSource('to') === 'env') delete options.to;
      return runCommand(() => ship(options));
    });
}

/** Turns the quick-form flags into the same config a YAML file gives. */
export function quickConfig(options: ShipOptions, catalog?: ModuleCatalog): ShipperConfig {
  if (!options.to) {
    throw new ConfigError('missing --to', {
      hint: 'for example: sluice ship --file /var/log/app.log --to redis://127.0.0.1:6379/logs',
    });
  }
  if (!options.file?.length && !options.stdin) {
    throw new ConfigError('nothing to read: give --file PATH, --stdin or --config FILE', {
      hint: 'for example: sluice ship --file "/var/log/*.log" --to kafka://127.0.0.1:9092/logs',
    });
  }
  if (options.fromBeginning && options.fromEnd)
    throw new ConfigError('give only one of --from-beginning and --from-end');
  if (options.multiline !== undefined)
    readChoice('--multiline', options.multiline, MULTILINE_PRESETS, { quote: true });
  if (options.module !== undefined && !catalog?.names.includes(options.module)) {
    throw new ConfigError(`--module must be one of ${catalog?.names.join(', ')}, got "${options.module}"`, {
      hint: 'sluice modules lists them with what each reads',
    });
  }
  const fields: Record<string, string> = {};
  for (const kv of options.field ?? []) {
    const eq = kv.indexOf('=');
    if (eq <= 0) throw new ConfigError(`--field must be KEY=VALUE, got "${kv}"`);
    fields[kv.slice(0, eq)] = kv.slice(eq + 1);
  }
  const joining = {
    ...(options.multiline ? { multiline: { preset: options.multiline as MultilinePreset } } : {}),
    ...(options.module ? { module: options.module } : {}),
  };
  const inputs: InputConfig[] = [];
  if (options.file?.length) {
    inputs.push({
      type: 'file',
      paths: options.file,
      follow: options.follow ?? false,
      startAt: options.fromEnd ? 'end' : 'beginning',
      ...joining,
    });
  }
  if (options.stdin) inputs.push({ type: 'stdin', ...joining });
  return {
    output: {
      url: options.to,
      ...(options.batchSize ? { batchSize: options.batchSize } : {}),
      ...(options.maxInFlight ? { maxInFlight: options.maxInFlight } : {}),
    },
    inputs,
    fields,
    tags: options.tag ?? [],
    ...(options.registry ? { registry: { path: options.registry } } : {}),
    ...(options.metrics ? { metrics: { address: options.metrics } } : {}),
    ...(options.shipperId ? { shipperId: options.shipperId } : {}),
    ...(options.maxLineBytes ? { maxLineBytes: options.maxLineBytes } : {}),
  };
}

async function ship(options: ShipOptions): Promise<number> {
  const log = createLogger();
  let config: ShipperConfig;
  if (options.config) {
    if (options.file?.length || options.stdin || options.to || options.module || options.multiline) {
      throw new ConfigError(
        'give either --config or the quick form (--file/--stdin with --to, --multiline, --module), not both',
        { hint: 'in a config file, multiline: and module: are set per input' },
      );
    }
    config = await loadShipperConfig(options.config, log);
  } else {
    config = quickConfig(options, options.module === undefined ? undefined : await moduleCatalog());
  }
  const catalog = config.inputs.some((input) => 'module' in input && input.module !== undefined)
    ? await moduleCatalog()
    : undefined;
  // Everything that needs no network is checked first, so bad input fails fast with exit 2.
  const target = parseBrokerUrl(config.output.url);
  if (config.metrics?.address) parseListenAddress(config.metrics.address);
  // Nothing could read them: prom-client is not even loaded (a tenth of a short run's CPU).
  else disableMetrics();
  // Only this backend's client library is loaded (kafkajs, ioredis or amqplib), before start()
  // builds the producer synchronously.
  const broker = await loadBrokerClient(target);
  const built = await buildShipper(config, {
    logger: log,
    // close() runs once everything is confirmed or given up on: nothing left to wait for.
    producer: () => broker.producer(target, { closeTimeoutMs: 1_000 }),
    ...(catalog ? { modules: catalog } : {}),
  });
  await built.preflight();
  try {
    await checkBrokerReachable(target);
  } catch (error) {
    if (error instanceof BrokerError) {
      throw new SluiceError(error.message, {
        cause: error,
        exitCode: 2,
        ...(error.hint ? { hint: error.hint } : {}),
      });
    }
    throw error;
  }
  if (!config.registry && config.inputs.some((i) => i.type === 'file' && i.follow !== false)) {
    log.warn('no --registry: offsets are not remembered, a restart reads the files again from the start');
  }
  const shipper = built.start();
  const stop = new AbortController();
  const abandon = new AbortController();
  let server: Awaited<ReturnType<typeof startMetricsServer>> | undefined;
  if (config.metrics?.address) {
    collectProcessMetrics();
    server = await startMetricsServer(config.metrics.address, {
      ready: () => (shipper.healthy ? true : 'publishing to the broker is failing'),
    });
    log.info('metrics', { url: `${server.url}/metrics` });
  }
  const signals = handleStopSignals({
    log,
    deadlineSeconds: options.shutdownTimeout,
    stopping: 'stopping: sending what was read, then saving offsets',
    secondSignal: 'second signal: exiting now; unconfirmed lines are read and sent again after a restart',
    stop: () => stop.abort(),
    deadlinePassed: () => abandon.abort(),
  });
  const progress = process.stderr.isTTY ? startProgress(shipper.stats) : undefined;
  log.info('shipping', { to: redactUrl(config.output.url), inputs: built.inputNames });
  try {
    const stats = await shipper.run(stop.signal, abandon.signal);
    signals.drained();
    progress?.stop();
    log.info('shipped', {
      lines: stats.lines,
      bytes: stats.bytes,
      batches: stats.batches,
      publishErrors: stats.publishErrors,
    });
  } finally {
    progress?.stop();
    await built.close();
    await server?.close();
  }
  return 0;
}

/** One status line on a terminal, rewritten every second: lines, bytes and the current rate. */
function startProgress(stats: ShipperStats): { stop(): void } {
  let lastLines = 0;
  let lastAt = performance.now();
  let stopped = false;
  const timer = setInterval(() => {
    const now = performance.now();
    const rate = ((stats.lines - lastLines) * 1_000) / (now - lastAt);
    lastLines = stats.lines;
    lastAt = now;
    process.stderr.write(
      `\rshipped ${stats.lines.toLocaleString('en')} lines, ${(stats.bytes / 1024 / 1024).toFixed(1)} MiB, ${Math.round(rate).toLocaleString('en')} lines/s   `,
    );
  }, 1_000);
  timer.unref();
  return {
    stop() {
      if (stopped) return;
      stopped = true;
      clearInterval(timer);
      process.stderr.write('\n');
    },
  };
}
