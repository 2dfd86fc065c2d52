import { parseStructuredData } from '@sluice/core';
import type { FieldValue } from '../event.js';

/** Tag for a message without a valid `<PRI>` header: kept whole, as the line. */
export const TAG_SYSLOG_UNPARSED = 'sluice.syslog_unparsed';

export interface SyslogHeader {
  readonly fields: Record<string, FieldValue>;
  readonly format: 'rfc5424' | 'rfc3164';
}

const RFC5424 =
  /^<(\d{1,3})>(\d{1,2}) (\S+) (\S+) (\S+) (\S+) (\S+) (-|(?:\[(?:[^\]\\]|\\.)*\])+)(?: ([\s\S]*))?$/;
const RFC3164_HEAD = /^<(\d{1,3})>(?:([A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d) (\S+) )?/;
const RFC3164_TAG = /^([^:[\s]{1,48})(?:\[([^\]]*)\])?:/;

/**
 * Reads the syslog header into ECS `log.syslog.*` fields. The whole message stays the
 * line, so the parser's syslog module (or a grok pattern) still sees what was sent; this
 * only spares it the framing work and keeps facility and severity when parsing fails.
 */
export function parseSyslogHeader(message: string): SyslogHeader | undefined {
  const m5424 = RFC5424.exec(message);
  if (m5424) {
    const pri = Number(m5424[1]);
    if (pri > 191) return undefined;
    const fields: Record<string, FieldValue> = {
      'log.syslog.priority': pri,
      'log.syslog.facility.code': pri >> 3,
      'log.syslog.severity.code': pri & 7,
      'log.syslog.version': m5424[2] as string,
    };
    const nil = (v: string | undefined) => (v === undefined || v === '-' ? undefined : v);
    const put = (key: string, v: string | undefined) => {
      const value = nil(v);
      if (value !== undefined) fields[key] = value;
    };
    put('log.syslog.timestamp', m5424[3]);
    put('log.syslog.hostname', m5424[4]);
    put('log.syslog.appname', m5424[5]);
    put('log.syslog.procid', m5424[6]);
    put('log.syslog.msgid', m5424[7]);
    // An object, as the syslog module's syslog_sd step writes it: one index holding events of
    // both must not see the field as text in one and an object in the other.
    const sd = nil(m5424[8]);
    const structured = sd === undefined ? undefined : parseStructuredData(sd);
    if (structured !== undefined) fields['log.syslog.structured_data'] = structured;
    return { fields, format: 'rfc5424' };
  }
  const m3164 = RFC3164_HEAD.exec(message);
  if (m3164) {
    const pri = Number(m3164[1]);
    if (pri > 191) return undefined;
    const fields: Record<string, FieldValue> = {
      'log.syslog.priority': pri,
      'log.syslog.facility.code': pri >> 3,
      'log.syslog.severity.code': pri & 7,
    };
    if (m3164[2]) fields['log.syslog.timestamp'] = m3164[2];
    if (m3164[3]) fields['log.syslog.hostname'] = m3164[3];
    const tag = RFC3164_TAG.exec(message.slice(m3164[0].length));
    if (tag?.[1]) fields['log.syslog.appname'] = tag[1];
    if (tag?.[2]) fields['log.syslog.procid'] = tag[2];
    return { fields, format: 'rfc3164' };
  }
  return undefined;
}

/**
 * Splits a TCP syslog byte stream into messages, both framings of RFC 6587: octet counting
 * (`<length> <message>`, a frame starts with a digit) and non-transparent framing (a
 * message ends at LF). Decided per frame, so a sender may use either.
 */
export class SyslogFramer {
  private buffer: Buffer = Buffer.alloc(0);
  /** Byte offset of `buffer[0]` in the connection. */
  private base = 0;

  constructor(private readonly maxMessageBytes: number) {}

  /** Returns complete messages with the connection offset of their first byte. */
  push(chunk: Buffer): Array<{ message: Buffer; offset: number; truncated: boolean }> {
    this.buffer = this.buffer.length === 0 ? Buffer.from(chunk) : Buffer.concat([this.buffer, chunk]);
    const out: Array<{ message: Buffer; offset: number; truncated: boolean }> = [];
    let pos = 0;
    for (;;) {
      if (pos >= this.buffer.length) break;
      const first = this.buffer[pos] as number;
      if (first === 0x0a || first === 0x0d) {
        pos++;
        continue;
      }
      if (first >= 0x30 && first <= 0x39) {
        const space = this.buffer.indexOf(0x20, pos);
        if (space === -1 || space - pos > 10) {
          if (space === -1 && this.buffer.length - pos <= 10) break; // length not complete yet
        } else {
          const length = Number(this.buffer.toString('latin1', pos, space));
          if (Number.isInteger(length) && length > 0) {
            const start = space + 1;
            if (this.buffer.length - start < length) break; // frame not complete yet
            const take = Math.min(length, this.maxMessageBytes);
            out.push({
              message: this.buffer.subarray(start, start + take),
              offset: this.base + pos,
              truncated: take < length,
            });
            pos = start + length;
            continue;
          }
        }
      }
      const nl = this.buffer.indexOf(0x0a, pos);
      if (nl === -1) {
        if (this.buffer.length - pos > this.maxMessageBytes) {
          // Over-long unterminated message: emit what fits rather than hold it all.
          out.push({
            message: this.buffer.subarray(pos, pos + this.maxMessageBytes),
            offset: this.base + pos,
            truncated: true,
          });
          pos = this.buffer.length;
        }
        break;
      }
      let end = nl;
      if (end > pos && this.buffer[end - 1] === 0x0d) end--;
      const take = Math.min(end - pos, this.maxMessageBytes);
      out.push({
        message: this.buffer.subarray(pos, pos + take),
        offset: this.base + pos,
        truncated: take < end - pos,
      });
      pos = nl + 1;
    }
    // Messages reference the old buffer: copy the rest so it can be released.
    this.buffer = Buffer.from(this.buffer.subarray(pos));
    this.base += pos;
    return out;
  }

  /** The unterminated rest at connection close. */
  end(): { message: Buffer; offset: number; truncated: boolean } | undefined {
    if (this.buffer.length === 0) return undefined;
    const message = this.buffer.subarray(0, this.maxMessageBytes);
    return { message, offset: this.base, truncated: this.buffer.length > this.maxMessageBytes };
  }
}
