import { readFileSync } from 'node:fs';

/**
 * With --help or -h, prints the comment block at the top of the script at `scriptUrl` (its
 * usage, kept where a reader of the source sees it) and exits.
 */
export function helpFromHeaderComment(scriptUrl) {
  if (!process.argv.includes('--help') && !process.argv.includes('-h')) return;
  const source = readFileSync(new URL(scriptUrl), 'utf8').split('\n');
  const end = source.findIndex((line) => !line.startsWith('//'));
  const usage = source.slice(0, end).map((line) => line.replace(/^\/\/ ?/, ''));
  process.stdout.write(`${usage.join('\n')}\n`);
  process.exit(0);
}
