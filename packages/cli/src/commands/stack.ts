import { ConfigError } from '@sluice/core';
import type { Command } from 'commander';
import { runCommand } from '../run-command.js';
import {
  isMachineService,
  SERVICES,
  type ServiceName,
  type ServiceStatus,
  serviceLabel,
  stackDown,
  stackStatus,
  stackUp,
} from '../stack/index.js';

const labels = (services: readonly string[]): string =>
  services
    .map(serviceLabel)
    .reduce(
      (text, label, i, all) => (i === 0 ? label : `${text}${i === all.length - 1 ? ' and ' : ', '}${label}`),
      '',
    );
const STARTED = labels(SERVICES.filter((s) => !isMachineService(s)));
const MACHINE = labels(SERVICES.filter(isMachineService));

/**
 * `sluice stack up|down|status`: the local services the tests and the demo run against.
 * Elasticsearch and the brokers whose descriptor says `native` (Kafka) run natively (no
 * Docker engine needed); the other brokers are the machine's. See deploy/native/README.md.
 */
export function register(program: Command): void {
  const stack = program
    .command('stack')
    .description(`start, stop or inspect the local ${labels(SERVICES)} (loopback only)`);

  stack
    .command('up')
    .description('start what is not running and wait until every service answers; prints the URLs')
    .argument('[services...]', `subset of: ${SERVICES.join(', ')}`)
    .action((services: string[]) =>
      runCommand(async () => {
        const result = await stackUp({
          services: pickServices(services),
          note: (line) => process.stderr.write(`${line}\n`),
        });
        printStatus(result.services);
        process.stdout.write(`ready in ${(result.ms / 1000).toFixed(1)}s\n`);
        return 0;
      }),
    );

  stack
    .command('down')
    .description(`stop the ${STARTED} started by \`stack up\` (${MACHINE} keep running)`)
    .argument('[services...]', `subset of: ${SERVICES.join(', ')}`)
    .option('--purge', 'also delete their data, logs and generated configs')
    .action((services: string[], options: { purge?: boolean }) =>
      runCommand(async () => {
        const reports = await stackDown({ services: pickServices(services), purge: options.purge === true });
        for (const report of reports) process.stdout.write(`${report.service.padEnd(14)} ${report.detail}\n`);
        return 0;
      }),
    );

  stack
    .command('status')
    .description('show each service as up or down with its URL; exit 1 if any is down')
    .argument('[services...]', `subset of: ${SERVICES.join(', ')}`)
    .action((services: string[]) =>
      runCommand(async () => {
        const statuses = await stackStatus({ services: pickServices(services) });
        printStatus(statuses);
        return statuses.every((s) => s.up) ? 0 : 1;
      }),
    );
}

function pickServices(names: readonly string[]): ServiceName[] | undefined {
  if (names.length === 0) return undefined;
  const known = new Set<string>(SERVICES);
  const unknown = names.filter((n) => !known.has(n));
  if (unknown.length > 0) {
    throw new ConfigError(`unknown service ${unknown.join(', ')}`, {
      hint: `valid services: ${SERVICES.join(', ')}`,
    });
  }
  return names as ServiceName[];
}

function printStatus(statuses: readonly ServiceStatus[]): void {
  for (const s of statuses) {
    const owner = s.owner === 'sluice' && s.pid !== undefined ? `sluice pid ${s.pid}` : s.owner;
    process.stdout.write(
      `${s.service.padEnd(14)} ${(s.up ? 'up' : 'down').padEnd(5)} ${s.url.padEnd(36)} ${owner.padEnd(16)} ${s.detail}\n`,
    );
  }
}
