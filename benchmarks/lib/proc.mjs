// CPU time and memory of a live process, read from /proc (Linux only). Shared by every
// benchmark that measures a child process: sluice CLI runs and the brokers' native tools.
import { readFileSync } from 'node:fs';

/** Linux USER_HZ: /proc/<pid>/stat reports CPU time in these ticks. */
export const CLK_TCK = 100;

/**
 * CPU seconds (user + system), current RSS and peak RSS (VmHWM) of a process, or undefined
 * once it has exited (its /proc entry is gone, so the last sample is what we keep).
 */
export function procStats(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name may contain spaces and parentheses; fields start after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const cpu = (Number(fields[11]) + Number(fields[12])) / CLK_TCK;
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kib = (name) => Number(new RegExp(`${name}:\\s+(\\d+) kB`).exec(status)?.[1] ?? 0) * 1024;
    return { cpu, rss: kib('VmRSS'), peakRss: kib('VmHWM') };
  } catch {
    return undefined;
  }
}

/**
 * Samples a child every `intervalMs` until `stop()` (or until it exits). `stats` holds the
 * last CPU reading and the largest peak RSS seen; `onSample` sees every reading (the shipper
 * benchmark uses it for RSS against progress). CPU time of the last interval before exit is
 * lost, so short runs under-report CPU by up to one interval.
 */
export function watchProcess(pid, { intervalMs = 200, onSample } = {}) {
  const stats = { cpu: 0, rss: 0, peakRss: 0 };
  const sample = () => {
    const s = procStats(pid);
    if (!s) return;
    stats.cpu = s.cpu;
    stats.rss = s.rss;
    stats.peakRss = Math.max(stats.peakRss, s.peakRss);
    onSample?.(s);
  };
  sample();
  const timer = setInterval(sample, intervalMs);
  return {
    stats,
    stop() {
      sample();
      clearInterval(timer);
      return stats;
    },
  };
}
