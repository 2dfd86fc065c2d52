/**
 * Per-pattern match counts and time, accumulated where grok runs (a worker thread) and
 * drained with each batch's result so the main thread's Prometheus registry can expose
 * them (`sluice_parser_pattern_*`). Keyed by the pattern text: bounded by the config.
 */
export interface PatternStat {
  matches: number;
  misses: number;
  seconds: number;
}

const table = new Map<string, PatternStat>();

/** Longer patterns are cut so a label stays readable; the prefix identifies them in practice. */
export function patternLabel(pattern: string): string {
  return pattern.length > 120 ? `${pattern.slice(0, 117)}...` : pattern;
}

export function patternStats(pattern: string): PatternStat {
  const label = patternLabel(pattern);
  let stat = table.get(label);
  if (!stat) {
    stat = { matches: 0, misses: 0, seconds: 0 };
    table.set(label, stat);
  }
  return stat;
}

/** Returns what accumulated since the last drain, as [label, matches, misses, seconds] rows, and resets. */
export function drainPatternStats(): [string, number, number, number][] {
  const rows: [string, number, number, number][] = [];
  for (const [label, stat] of table) {
    if (stat.matches === 0 && stat.misses === 0) continue;
    rows.push([label, stat.matches, stat.misses, stat.seconds]);
    stat.matches = 0;
    stat.misses = 0;
    stat.seconds = 0;
  }
  return rows;
}
