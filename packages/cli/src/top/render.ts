import type { RowSpec, View } from './view.js';

const SI = ['', 'k', 'M', 'G', 'T'];
const BYTES = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];

export function formatValue(value: number | undefined, unit: RowSpec['unit']): string {
  if (value === undefined || Number.isNaN(value)) return '-';
  switch (unit) {
    case 'ratio':
      return `${(value * 100).toFixed(1)}%`;
    case 'bytes': {
      let v = value;
      let i = 0;
      while (Math.abs(v) >= 1024 && i < BYTES.length - 1) {
        v /= 1024;
        i++;
      }
      return i === 0 ? `${Math.round(v)} B` : `${v.toFixed(1)} ${BYTES[i]}`;
    }
    case 'per_s':
    case 'count': {
      // Exact up to a million (what an operator compares between refreshes), then M/G.
      const abs = Math.abs(value);
      if (abs < 1_000_000) {
        const digits = Number.isInteger(value) ? 0 : abs < 10 ? 2 : abs < 100 ? 1 : 0;
        return value.toLocaleString('en-US', {
          minimumFractionDigits: digits,
          maximumFractionDigits: digits,
        });
      }
      let v = value;
      let i = 0;
      while (Math.abs(v) >= 1000 && i < SI.length - 1) {
        v /= 1000;
        i++;
      }
      return `${v.toFixed(2)}${SI[i]}`;
    }
  }
}

/** host:port of an endpoint URL, the column heading. */
function heading(endpoint: string): string {
  try {
    return new URL(endpoint).host;
  } catch {
    return endpoint;
  }
}

export interface RenderOptions {
  readonly title: string;
  /** Most lag rows to list; the rest are summarised in one line. */
  readonly lagRows?: number;
}

/** The view as plain text lines (no colours or cursor codes; the caller adds those). */
export function renderView(view: View, options: RenderOptions): string[] {
  const heads = [
    ...view.endpoints.map((e) => heading(e.endpoint)),
    ...(view.endpoints.length > 1 ? ['total'] : []),
  ];
  const labelWidth = Math.max(...view.rows.map((r) => r.spec.label.length));
  const cells = view.rows.map((r) =>
    (view.endpoints.length > 1 ? r.values : r.values.slice(0, -1)).map((v) => formatValue(v, r.spec.unit)),
  );
  const widths = heads.map((h, i) => Math.max(h.length, ...cells.map((row) => row[i]?.length ?? 0), 8));
  const line = (label: string, values: readonly string[]) =>
    `${label.padEnd(labelWidth)}  ${values.map((v, i) => v.padStart(widths[i] ?? 8)).join('  ')}`.trimEnd();

  const out = [options.title, ''];
  out.push(line('', heads));
  view.rows.forEach((r, i) => {
    out.push(line(r.spec.label, cells[i] ?? []));
  });
  for (const e of view.endpoints) if (e.error) out.push(`! ${heading(e.endpoint)}: ${e.error}`);
  if (view.lag.length > 0) {
    const max = options.lagRows ?? 10;
    out.push('', 'lag by stream / partition');
    const w = Math.max(...view.lag.slice(0, max).map((l) => `${l.backend} ${l.stream}`.length));
    for (const l of view.lag.slice(0, max)) {
      const where = `${l.backend} ${l.stream}`.padEnd(w);
      out.push(
        `  ${where}  ${(l.partition === '' ? '-' : l.partition).padStart(4)}  ${formatValue(l.lag, 'count').padStart(8)}`,
      );
    }
    if (view.lag.length > max) {
      const rest = view.lag.slice(max);
      out.push(
        `  … ${rest.length} more, ${formatValue(
          rest.reduce((x, l) => x + l.lag, 0),
          'count',
        )} records`,
      );
    }
  }
  return out;
}
