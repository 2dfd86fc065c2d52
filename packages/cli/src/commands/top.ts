import type { Command } from 'commander';
import { runCommand } from '../run-command.js';
import { parseInterval, runTop } from '../top/run.js';

interface TopCommandOptions {
  metrics: string[];
  interval: number;
  once?: boolean;
}

const collect = (value: string, previous: string[] = []) => [
  ...previous,
  ...value.split(',').filter((v) => v.trim() !== ''),
];

export function register(program: Command): void {
  program
    .command('top')
    .description(
      'live view of rates per stage, lag, in-flight work, pool utilization and failures from /metrics endpoints',
    )
    .option('--metrics <urls>', 'comma-separated /metrics URLs or HOST:PORT (repeatable)', collect)
    .option('--interval <duration>', 'time between scrapes: 2s, 500ms, 1m', parseInterval, 2)
    .option('--once', 'print one view from two scrapes one interval apart, then exit (for scripts)')
    .action((options: TopCommandOptions) =>
      runCommand(async () => {
        const endpoints = options.metrics?.length ? options.metrics : ['127.0.0.1:9464'];
        const controller = new AbortController();
        const stop = () => controller.abort();
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
        try {
          await runTop({
            endpoints,
            intervalMs: Math.max(100, Math.round(options.interval * 1000)),
            once: options.once === true,
            tty: process.stdout.isTTY === true,
            write: (text) => process.stdout.write(text),
            signal: controller.signal,
          });
        } finally {
          process.off('SIGINT', stop);
          process.off('SIGTERM', stop);
        }
      }),
    );
}
