import type { StartCommand } from '@sluice/brokers';
import { ConfigError } from '@sluice/core';
import { run } from './process.js';

/**
 * Brokers that are not launched natively belong to the machine (Debian packages), not to
 * the stack: `up` starts them with the command their descriptor gives (`local.start`) when
 * they are down, `down` leaves them alone.
 */
export type MachineService = StartCommand;

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
