import type { Logger } from '@sluice/core';

/** How a long-running command (`ship`, `consume`) stops on SIGTERM or SIGINT. */
export interface StopSignalOptions {
  readonly log: Logger;
  /** How long the drain may take after the first signal (`--shutdown-timeout`). */
  readonly deadlineSeconds: number;
  /** Logged on the first signal, with the signal and the deadline. */
  readonly stopping: string;
  /** Logged as a warning on a second signal, just before exit 130. */
  readonly secondSignal: string;
  /** Starts the drain; called once, on the first signal. */
  readonly stop: () => void;
  /** Called when the deadline passes before the drain finished. */
  readonly deadlinePassed: () => void;
}

export interface StopSignals {
  /** The work is drained: only closing is left, and a signal from now on lets it finish (exit 0). */
  drained(): void;
}

/**
 * The first SIGTERM or SIGINT starts a drain with a deadline (Kubernetes sends SIGTERM, then
 * SIGKILL after its grace period); a second one exits at once with 130, leaving what was not
 * confirmed to be sent or delivered again (at-least-once, see the shipper and consumer docs).
 */
export function handleStopSignals(options: StopSignalOptions): StopSignals {
  let signals = 0;
  let drained = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (drained) return;
    signals++;
    if (signals > 1) {
      options.log.warn(options.secondSignal);
      process.exit(130);
    }
    options.log.info(options.stopping, { signal, deadlineSeconds: options.deadlineSeconds });
    setTimeout(options.deadlinePassed, options.deadlineSeconds * 1_000).unref();
    options.stop();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    drained() {
      drained = true;
    },
  };
}
