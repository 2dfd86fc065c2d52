import { existsSync, mkdirSync } from 'node:fs';

/**
 * Where a benchmark writes its results by default: `benchmarks/results/<date>-<name>`, and
 * when a file of that name already exists (a table committed earlier the same day, perhaps
 * on another machine), the first of `-2`, `-3`... that is free. A quick profiling run used to
 * overwrite the committed table that README.md quotes; an explicit --out still writes where
 * it says. Returns the path without extension; `extensions` are the files the script writes
 * (any one of them taken makes the name taken). `dir` ends with a slash.
 */
export function freshResultBase(
  name,
  extensions = ['.md'],
  date = new Date().toISOString().slice(0, 10),
  dir = new URL('../results/', import.meta.url).pathname,
) {
  mkdirSync(dir, { recursive: true });
  for (let n = 1; ; n++) {
    const base = `${dir}${date}-${name}${n === 1 ? '' : `-${n}`}`;
    if (!extensions.some((ext) => existsSync(`${base}${ext}`))) return base;
  }
}
