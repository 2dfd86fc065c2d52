import { createLogger } from '@sluice/core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { handleStopSignals } from './stop-signals.js';

const log = createLogger({ level: 'silent' });
const before = { SIGTERM: process.listeners('SIGTERM'), SIGINT: process.listeners('SIGINT') };

afterEach(() => {
  vi.restoreAllMocks();
  for (const signal of ['SIGTERM', 'SIGINT'] as const)
    for (const listener of process.listeners(signal))
      if (!before[signal].includes(listener)) process.off(signal, listener);
});

function setUp() {
  // process.exit does not return: the mock throws, so nothing after it runs, as in real life.
  const exit = vi.spyOn(process, 'exit').mockImplementation(((code: number) => {
    throw new Error(`exit ${code}`);
  }) as never);
  const stop = vi.fn();
  const signals = handleStopSignals({
    log,
    deadlineSeconds: 3_600,
    stopping: 'stopping',
    secondSignal: 'second signal',
    stop,
    deadlinePassed: vi.fn(),
  });
  return { exit, stop, signals };
}

describe('handleStopSignals', () => {
  it('drains on the first signal and exits 130 on the second', () => {
    const { exit, stop } = setUp();
    process.emit('SIGTERM', 'SIGTERM');
    expect(stop).toHaveBeenCalledTimes(1);
    expect(exit).not.toHaveBeenCalled();
    expect(() => process.emit('SIGINT', 'SIGINT')).toThrow('exit 130');
    expect(exit).toHaveBeenCalledWith(130);
    expect(stop).toHaveBeenCalledTimes(1);
  });

  it('once drained, further signals let the command finish closing (exit 0), not 130', () => {
    const { exit, stop, signals } = setUp();
    process.emit('SIGTERM', 'SIGTERM');
    signals.drained();
    process.emit('SIGTERM', 'SIGTERM');
    process.emit('SIGTERM', 'SIGTERM');
    expect(exit).not.toHaveBeenCalled();
    expect(stop).toHaveBeenCalledTimes(1);
  });
});
