import type { Readable } from 'node:stream';
import { type CommonInput, commonOf, type JoiningInput, joiningOf } from '../config/common.js';
import type { EventSink, Fields, Input } from '../event.js';
import { type Joiner, joinerFactory, type MultilineConfig } from '../multiline.js';
import { type InputKind, inputBase } from './kind.js';
import { StreamReader } from './stream.js';

export interface StdinInputOptions {
  readonly shipperId: string;
  readonly maxLineBytes: number;
  readonly multiline?: MultilineConfig;
  readonly fields?: Fields;
  readonly tags?: readonly string[];
  /** Default process.stdin; tests pass their own stream. */
  readonly stream?: Readable;
}

/**
 * Lines from standard input, until EOF. Stdin has no identity that survives a second run,
 * so ids are scoped to this run (`<shipperId>:stdin:<start time>:<pid>` + byte offset):
 * piping the same data twice ships it twice rather than risking that different data
 * collides with an earlier run's ids and is dropped as a duplicate.
 */
export class StdinInput implements Input {
  readonly name = 'stdin';
  private readonly newJoiner: () => Joiner;

  constructor(private readonly options: StdinInputOptions) {
    this.newJoiner = joinerFactory(options.multiline);
  }

  async run(sink: EventSink, signal: AbortSignal): Promise<void> {
    const stream = this.options.stream ?? process.stdin;
    const reader = new StreamReader({
      input: 'stdin',
      source: 'stdin',
      idSource: `${this.options.shipperId}:stdin:${Date.now()}:${process.pid}`,
      joiner: this.newJoiner(),
      maxLineBytes: this.options.maxLineBytes,
      fields: this.options.fields ?? {},
      tags: this.options.tags ?? [],
    });
    const ticker = setInterval(() => void reader.tick(sink).catch(() => undefined), 250);
    // On stop, what was read is sent; what is still unread in the pipe stays there.
    const onAbort = () => stream.destroy();
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      // The async iterator reads the next chunk only after the loop body (and its pushes) finished.
      for await (const chunk of stream) {
        await reader.feed(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer), sink);
        if (signal.aborted) return;
      }
      await reader.end(sink);
    } catch (error) {
      if (!signal.aborted) throw error;
    } finally {
      clearInterval(ticker);
      signal.removeEventListener('abort', onAbort);
    }
  }
}

// ---- config: the `type: stdin` map of the shipper YAML ------------------------------------

export interface StdinInputConfig extends CommonInput, JoiningInput {
  readonly type: 'stdin';
}

export const stdinInputKind: InputKind<'stdin', StdinInputConfig> = {
  type: 'stdin',
  schema: ({ section, z, commonShape, joiningShape }) =>
    section(
      { type: z.literal('stdin'), ...commonShape, ...joiningShape },
      { is: 'a map with a type' },
    ).transform((v): StdinInputConfig => ({ type: 'stdin', ...commonOf(v), ...joiningOf(v) })),
  create: (s, context) => new StdinInput(inputBase(s, context)),
};
