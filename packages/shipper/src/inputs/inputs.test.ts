import { createSocket } from 'node:dgram';
import { connect } from 'node:net';
import { PassThrough } from 'node:stream';
import { createLogger } from '@sluice/core';
import { describe, expect, it } from 'vitest';
import type { ShipEvent } from '../event.js';
import { EventQueue } from '../queue.js';
import { StdinInput } from './stdin.js';
import { parseSyslogHeader, SyslogFramer } from './syslog-parse.js';
import { SyslogTcpInput } from './syslog-tcp.js';
import { TcpInput } from './tcp.js';
import { UdpInput } from './udp.js';

const log = createLogger({ level: 'silent' });
const common = { shipperId: 't', maxLineBytes: 1024 };

async function drain(queue: EventQueue, count: number, timeoutMs = 5_000): Promise<ShipEvent[]> {
  const out: ShipEvent[] = [];
  const deadline = Date.now() + timeoutMs;
  while (out.length < count) {
    if (Date.now() > deadline) throw new Error(`got ${out.length} of ${count} events`);
    if (queue.size === 0) await new Promise((r) => setTimeout(r, 10));
    else out.push(...(await queue.take(count - out.length, 1e9, 0)));
  }
  return out;
}

function send(port: number, data: string | Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.end(data));
    socket.on('close', () => resolve());
    socket.on('error', reject);
  });
}

function sendUdp(port: number, messages: string[]): Promise<void> {
  const socket = createSocket('udp4');
  return new Promise((resolve) => {
    let left = messages.length;
    for (const m of messages)
      socket.send(m, port, '127.0.0.1', () => {
        if (--left === 0) socket.close(() => resolve());
      });
  });
}

describe('stdin input', () => {
  it('reads lines to EOF with byte offsets, multi-line joined', async () => {
    const stream = new PassThrough();
    const input = new StdinInput({ ...common, stream, multiline: { preset: 'indented' } });
    const queue = new EventQueue();
    const done = input.run(queue, new AbortController().signal);
    stream.write('a\n  b\nc');
    stream.end('\n');
    await done;
    const events = await drain(queue, 2);
    expect(events.map((e) => [e.text, e.offset, e.source])).toEqual([
      ['a\n  b', 0, 'stdin'],
      ['c', 6, 'stdin'],
    ]);
  });
});

describe('tcp input', () => {
  it('newline framing per connection, ids scoped to the connection, peer recorded', async () => {
    const input = new TcpInput({ ...common, port: 0 }, log);
    await input.prepare();
    const queue = new EventQueue();
    const stop = new AbortController();
    const done = input.run(queue, stop.signal);
    await send(input.port, 'one\r\ntwo\nthree');
    await send(input.port, 'four\n');
    const events = await drain(queue, 4);
    stop.abort();
    await done;
    expect(events.map((e) => e.text).sort()).toEqual(['four', 'one', 'three', 'two']);
    const one = events.find((e) => e.text === 'one');
    const four = events.find((e) => e.text === 'four');
    expect(one?.offset).toBe(0);
    expect(four?.offset).toBe(0);
    expect(one?.idSource).not.toBe(four?.idSource);
    expect(String(one?.fields?.['log.source.address'])).toMatch(/^127\.0\.0\.1:\d+$/);
  });

  it('a port in use is a config error naming the address', async () => {
    const first = new TcpInput({ ...common, port: 0 }, log);
    await first.prepare();
    const second = new TcpInput({ ...common, port: first.port }, log);
    await expect(second.prepare()).rejects.toMatchObject({
      name: 'ConfigError',
      message: `cannot listen for tcp input on 127.0.0.1:${first.port}: EADDRINUSE`,
    });
    const stop = new AbortController();
    stop.abort();
    await first.run(new EventQueue(), stop.signal);
  });

  it('stops reading a socket while the queue is full (backpressure), then delivers everything', async () => {
    const input = new TcpInput({ ...common, port: 0 }, log);
    await input.prepare();
    const queue = new EventQueue({ maxEvents: 10 });
    const stop = new AbortController();
    const done = input.run(queue, stop.signal);
    const lines = Array.from({ length: 2_000 }, (_, i) => `l${i}`).join('\n');
    const sent = send(input.port, `${lines}\n`);
    await new Promise((r) => setTimeout(r, 200));
    expect(queue.size).toBe(10); // full, and no more than full
    const events = await drain(queue, 2_000);
    await sent;
    stop.abort();
    await done;
    expect(events.map((e) => e.text)).toEqual(lines.split('\n'));
  });
});

describe('udp input', () => {
  it('one datagram, one event; json codec takes message and fields; drops counted when full', async () => {
    const input = new UdpInput({ ...common, port: 0, codec: 'json' }, log);
    await input.prepare();
    const queue = new EventQueue({ maxEvents: 2 });
    const stop = new AbortController();
    const done = input.run(queue, stop.signal);
    await sendUdp(input.port, [
      '{"message":"hi","service":{"name":"api"},"level":"warn"}\n',
      'not json',
      'third',
    ]);
    await new Promise((r) => setTimeout(r, 100));
    const events = await drain(queue, 2);
    stop.abort();
    await done;
    expect(events[0]).toMatchObject({
      text: 'hi',
      offset: 0,
      fields: { level: 'warn', service: '{"name":"api"}' },
    });
    expect(events[1]).toMatchObject({ text: 'not json', tags: ['sluice.json_parse_failure'] });
    expect(input.dropped).toBe(1);
  });
});

describe('syslog', () => {
  it('parses RFC 5424 headers', () => {
    const h = parseSyslogHeader(
      '<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 [exampleSDID@32473 iut="3"] An application event',
    );
    expect(h?.format).toBe('rfc5424');
    expect(h?.fields).toMatchObject({
      'log.syslog.priority': 165,
      'log.syslog.facility.code': 20,
      'log.syslog.severity.code': 5,
      'log.syslog.hostname': 'mymachine.example.com',
      'log.syslog.appname': 'evntslog',
      'log.syslog.msgid': 'ID47',
    });
    expect(h?.fields['log.syslog.procid']).toBeUndefined();
  });

  it('writes RFC 5424 structured data as an object, the shape the syslog module gives', () => {
    const h = parseSyslogHeader(
      '<165>1 2003-10-11T22:14:15.003Z host app - ID47 [exampleSDID@32473 iut="3" eventSource="App"][meta seq="1"] hi',
    );
    expect(h?.fields['log.syslog.structured_data']).toEqual({
      'exampleSDID@32473': { iut: '3', eventSource: 'App' },
      meta: { seq: '1' },
    });
    // Nil structured data writes nothing.
    expect(parseSyslogHeader('<165>1 - host app - - - hi')?.fields).not.toHaveProperty(
      'log.syslog.structured_data',
    );
  });

  it('parses RFC 3164 headers, with and without timestamp and host', () => {
    expect(parseSyslogHeader("<34>Oct 11 22:14:15 mymachine su[42]: 'su root' failed")?.fields).toMatchObject(
      {
        'log.syslog.severity.code': 2,
        'log.syslog.facility.code': 4,
        'log.syslog.hostname': 'mymachine',
        'log.syslog.appname': 'su',
        'log.syslog.procid': '42',
      },
    );
    expect(parseSyslogHeader('<13>myapp[123]: hello')?.fields).toMatchObject({
      'log.syslog.appname': 'myapp',
      'log.syslog.procid': '123',
    });
    expect(parseSyslogHeader('no header')).toBeUndefined();
    expect(parseSyslogHeader('<999>1 - - - - - -')).toBeUndefined();
  });

  it('frames octet-counted and LF-terminated messages, split anywhere', () => {
    const stream = Buffer.from('11 <13>1 - a b\n<13>plain one\n11 <13>x\ny z w', 'utf8');
    const framer = new SyslogFramer(1024);
    const got: string[] = [];
    for (let i = 0; i < stream.length; i += 3) {
      for (const f of framer.push(stream.subarray(i, i + 3))) got.push(f.message.toString());
    }
    expect(got).toEqual(['<13>1 - a b', '<13>plain one', '<13>x\ny z w']);
  });

  it('syslog over tcp end to end', async () => {
    const input = new SyslogTcpInput({ ...common, port: 0 }, log);
    await input.prepare();
    const queue = new EventQueue();
    const stop = new AbortController();
    const done = input.run(queue, stop.signal);
    const m = '<165>1 2003-10-11T22:14:15.003Z host app 77 - - hello';
    await send(input.port, `${Buffer.byteLength(m)} ${m}<34>Oct 11 22:14:15 h su: bye\n`);
    const events = await drain(queue, 2);
    stop.abort();
    await done;
    expect(events.map((e) => e.text)).toEqual([m, '<34>Oct 11 22:14:15 h su: bye']);
    expect(events[0]?.fields).toMatchObject({ 'log.syslog.procid': '77', 'log.syslog.appname': 'app' });
  });
});
