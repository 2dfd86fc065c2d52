import { ConfigError } from '@sluice/core';
import { run } from './process.js';

/**
 * Redis and RabbitMQ belong to the machine (Debian packages), not to the stack: `up` starts
 * them with the documented commands when they are down, `down` leaves them alone.
 */
export interface MachineService {
  readonly binary: string;
  readonly args: readonly string[];
  readonly aptPackage: string;
}

export const MACHINE_SERVICES = {
  redis: {
    binary: 'redis-server',
    args: [
      '--daemonize',
      'yes',
      '--bind',
      '127.0.0.1',
      '-::1',
      '--port',
      '6379',
      '--save',
      '',
      '--appendonly',
      'no',
      '--dir',
      '/var/lib/redis',
      '--logfile',
      '/var/log/redis/ci.log',
    ],
    aptPackage: 'redis-server',
  },
  rabbitmq: { binary: 'rabbitmq-server', args: ['-detached'], aptPackage: 'rabbitmq-server' },
} as const satisfies Record<string, MachineService>;

/** Both commands daemonize themselves and return quickly; readiness is probed by the caller. */
export async function startMachineService(service: MachineService): Promise<void> {
  try {
    await run(service.binary, service.args, {
      timeoutMs: 60_000,
      hint: `install it: apt-get install -y ${service.aptPackage}`,
    });
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    throw new ConfigError(`${service.binary} did not start: ${(error as Error).message}`, {
      hint: `start it by hand: ${service.binary} ${service.args.map((a) => (a === '' ? '""' : a)).join(' ')}`,
      cause: error,
    });
  }
}
