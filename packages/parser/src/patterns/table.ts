import { compilePattern } from '../grok/compiler.js';
import { definitionsOf, type EcsCompatibility, LOGSTASH_PATTERN_FILES, type PatternFile } from './library.js';

/**
 * The README's table of Logstash's standard pattern files: one row per pattern with what
 * it gives in each naming mode. Generated from the library itself (scripts/pattern-table.mjs
 * writes it; a test fails when the README and the library disagree), so it cannot drift.
 */
export function standardPatternTable(files: readonly PatternFile[]): string {
  const rows = [
    '| file | pattern | ECS v1 (default) | legacy (`ecs_compatibility: disabled`) |',
    '|---|---|---|---|',
  ];
  for (const file of files.filter((f) => LOGSTASH_PATTERN_FILES.includes(f.name))) {
    const ecs = definitionsOf(file, 'v1');
    const legacy = definitionsOf(file, 'disabled');
    const names = [...new Set([...Object.keys(ecs), ...Object.keys(legacy)])];
    for (const name of names) {
      rows.push(
        `| ${file.name} | \`${name}\` | ${status(name, ecs, 'v1')} | ${status(name, legacy, 'disabled')} |`,
      );
    }
  }
  return rows.join('\n');
}

/** "✓" and the fields it captures (with their type), or why it is not there. */
function status(name: string, definitions: Readonly<Record<string, string>>, mode: EcsCompatibility): string {
  if (definitions[name] === undefined) return 'not in this mode';
  const { captures } = compilePattern(`%{${name}}`, { ecsCompatibility: mode });
  const fields = new Map<string, string>();
  for (const c of captures)
    if (!fields.has(c.name)) fields.set(c.name, c.type === undefined ? '' : ` (${c.type})`);
  if (fields.size === 0) return '✓ no fields';
  return `✓ ${[...fields].map(([field, type]) => `\`${field}\`${type}`).join(', ')}`;
}
