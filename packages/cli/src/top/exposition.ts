/**
 * A reader for the Prometheus text exposition format (0.0.4), the format prom-client serves.
 * `sluice top` needs only samples: name, labels and value. HELP/TYPE lines and timestamps are
 * skipped; a malformed line is an error naming its line number, because a page we cannot read
 * is not one we should show numbers from.
 */
export interface Sample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

const NAME = /[a-zA-Z_:][a-zA-Z0-9_:]*/y;
const LABEL = /[a-zA-Z_][a-zA-Z0-9_]*/y;

export function parseExposition(text: string): Sample[] {
  const samples: Sample[] = [];
  const lines = text.split('\n');
  for (const [i, raw] of lines.entries()) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    try {
      samples.push(parseLine(line));
    } catch (error) {
      throw new Error(`metrics line ${i + 1}: ${(error as Error).message}: ${line.slice(0, 120)}`);
    }
  }
  return samples;
}

function parseLine(line: string): Sample {
  NAME.lastIndex = 0;
  const name = NAME.exec(line)?.[0];
  if (!name) throw new Error('expected a metric name');
  let pos = name.length;
  const labels: Record<string, string> = {};
  if (line[pos] === '{') {
    pos++;
    for (;;) {
      pos = skipSpaces(line, pos);
      if (line[pos] === '}') {
        pos++;
        break;
      }
      LABEL.lastIndex = pos;
      const label = LABEL.exec(line)?.[0];
      if (!label) throw new Error(`expected a label name at column ${pos + 1}`);
      pos = skipSpaces(line, pos + label.length);
      if (line[pos] !== '=' || line[skipSpaces(line, pos + 1)] !== '"')
        throw new Error(`expected ="…" after ${label}`);
      pos = skipSpaces(line, pos + 1) + 1;
      let value = '';
      for (;;) {
        const c = line[pos];
        if (c === undefined) throw new Error('unterminated label value');
        if (c === '"') break;
        if (c === '\\') {
          const next = line[pos + 1];
          value += next === 'n' ? '\n' : next;
          pos += 2;
        } else {
          value += c;
          pos++;
        }
      }
      labels[label] = value;
      pos = skipSpaces(line, pos + 1);
      if (line[pos] === ',') pos++;
      else if (line[pos] !== '}') throw new Error(`expected , or } at column ${pos + 1}`);
    }
  }
  const [valueText] = line.slice(pos).trim().split(/\s+/);
  const value = parseValue(valueText);
  return { name, labels, value };
}

function skipSpaces(line: string, pos: number): number {
  while (line[pos] === ' ' || line[pos] === '\t') pos++;
  return pos;
}

function parseValue(text: string | undefined): number {
  switch (text) {
    case '+Inf':
    case 'Inf':
      return Number.POSITIVE_INFINITY;
    case '-Inf':
      return Number.NEGATIVE_INFINITY;
    case 'NaN':
      return Number.NaN;
  }
  const value = text === undefined || text === '' ? Number.NaN : Number(text);
  if (Number.isNaN(value)) throw new Error(`expected a number, got "${text ?? ''}"`);
  return value;
}
