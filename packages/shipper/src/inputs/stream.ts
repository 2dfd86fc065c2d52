import type { EventSink, Fields, InputType, ShipEvent } from '../event.js';
import { type Line, LineSplitter, TAG_INVALID_UTF8, TAG_TRUNCATED } from '../lines.js';
import { type JoinedLine, type Joiner, TAG_MULTILINE, TAG_MULTILINE_LIMIT } from '../multiline.js';

/** The tags a line earns on its way through splitting and joining. */
export function lineTags(line: JoinedLine, base: readonly string[]): readonly string[] {
  // The common case allocates nothing: most lines earn no tag.
  if (!line.truncated && !line.invalidUtf8 && line.lines === 1) return base;
  const tags = [...base];
  if (line.truncated) tags.push(TAG_TRUNCATED);
  if (line.invalidUtf8) tags.push(TAG_INVALID_UTF8);
  if (line.lines > 1) tags.push(TAG_MULTILINE);
  if (line.limited) tags.push(TAG_MULTILINE_LIMIT);
  return tags;
}

export interface StreamReaderOptions {
  readonly input: InputType;
  /** `stdin`, `tcp://10.0.0.1:40000`. */
  readonly source: string;
  /** Unique per stream (a connection, one run's stdin): offsets restart at 0 in each. */
  readonly idSource: string;
  readonly joiner: Joiner;
  readonly maxLineBytes: number;
  readonly fields: Fields;
  readonly tags: readonly string[];
}

/**
 * Newline-framed bytes of one stream (stdin, one TCP connection) → events. The caller
 * awaits `feed` before reading more: that await is the stream's backpressure.
 */
export class StreamReader {
  private readonly splitter: LineSplitter;
  private readonly lines: Line[] = [];

  constructor(private readonly options: StreamReaderOptions) {
    this.splitter = new LineSplitter(0, { maxLineBytes: options.maxLineBytes });
  }

  async feed(chunk: Buffer, sink: EventSink): Promise<void> {
    this.splitter.push(chunk, this.lines);
    const now = Date.now();
    for (const line of this.lines) {
      for (const joined of this.options.joiner.push(line, now)) {
        const event = this.toEvent(joined);
        if (!sink.tryPush?.(event)) await sink.push(event);
      }
    }
    this.lines.length = 0;
  }

  /** Emits a multi-line event that waited too long for its next line. */
  async tick(sink: EventSink, now = Date.now()): Promise<void> {
    if (!this.options.joiner.expired(now)) return;
    const pending = this.options.joiner.flush();
    if (pending) await sink.push(this.toEvent(pending));
  }

  /** End of stream: the last line may lack a newline; pending multi-line events are complete. */
  async end(sink: EventSink): Promise<void> {
    const tail = this.splitter.flush();
    if (tail) for (const event of this.options.joiner.push(tail)) await sink.push(this.toEvent(event));
    const pending = this.options.joiner.flush();
    if (pending) await sink.push(this.toEvent(pending));
  }

  private toEvent(line: JoinedLine): ShipEvent {
    return {
      input: this.options.input,
      text: line.text,
      source: this.options.source,
      idSource: this.options.idSource,
      offset: line.offset,
      byteOffset: line.offset,
      bytes: line.bytes,
      fields: this.options.fields,
      tags: lineTags(line, this.options.tags),
      readAt: Date.now(),
    };
  }
}
