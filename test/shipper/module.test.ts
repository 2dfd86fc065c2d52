import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type BrokerHarness, harnessFor } from '../support/broker-harness.js';
import { BACKENDS, collect, shipCli } from './support.js';

// Issue 6: "a Java log with stack traces becomes one event per exception", through the real
// CLI, with the multi-line rule taken from the parser's `java` module (`--module java`, or
// `module: java` on an input of a config file) rather than restated by the user.

/** A Spring-style log: single-line events between exceptions with causes and elided frames. */
const EVENTS = [
  '2024-01-15 10:23:45,123 INFO  [main] com.example.App - Starting App v1.4.2',
  [
    '2024-01-15 10:23:45,901 ERROR [main] com.example.App - Failed to start',
    'java.lang.IllegalStateException: port 8080 in use',
    '\tat com.example.Server.bind(Server.java:42)',
    '\tat com.example.App.main(App.java:17)',
    'Caused by: java.net.BindException: Address already in use',
    '\tat java.base/sun.nio.ch.Net.bind0(Native Method)',
    '\t... 2 more',
  ].join('\n'),
  '2024-01-15 10:23:46.001 [http-nio-8080-exec-1] INFO  o.s.web.servlet.DispatcherServlet - Completed initialization in 2 ms',
  [
    '2024-01-15 10:24:02.417 [http-nio-8080-exec-3] ERROR c.e.orders.OrderController - request failed',
    'java.lang.NullPointerException: Cannot invoke "Order.total()" because "order" is null',
    '\tat com.example.orders.OrderController.get(OrderController.java:88)',
    '\tat jdk.internal.reflect.GeneratedMethodAccessor12.invoke(Unknown Source)',
  ].join('\n'),
  '2024-01-15 10:24:03.000 [http-nio-8080-exec-4] WARN  c.e.orders.OrderController - slow request: 2300 ms',
];

const harnesses: BrokerHarness[] = [];
afterAll(async () => {
  for (const h of harnesses) await h.close();
});

async function javaLog(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'sluice-module-'));
  const file = join(dir, 'app.log');
  await writeFile(file, `${EVENTS.join('\n')}\n`);
  return file;
}

describe.each(BACKENDS)('sluice ship --module java -> %s', (kind) => {
  it('one record per event: each exception with its stack trace is one record', async () => {
    const h = await harnessFor(kind);
    harnesses.push(h);
    if (!h.ready) return expect.unreachable(`${kind} is not running; start it to run this test`);
    const stream = h.stream('ship-module');
    const file = await javaLog();
    const r = await shipCli(['ship', '--file', file, '--to', h.url(stream), '--module', 'java']).exit;
    expect(r.code, r.output).toBe(0);
    const records = await collect(h, stream, EVENTS.length);
    expect(records.map((x) => x.line)).toEqual(EVENTS);
    // Offsets are those of each event's first line, so ids stay tied to the file's bytes.
    let offset = 0;
    const offsets = EVENTS.map((e) => {
      const at = offset;
      offset += Buffer.byteLength(e) + 1;
      return at;
    });
    expect(records.map((x) => x.offset)).toEqual(offsets);
  }, 120_000);
});

describe('module: in a shipper config', () => {
  it('joins like --module; an explicit multiline on the input wins over the module', async () => {
    const h = await harnessFor('redis');
    harnesses.push(h);
    if (!h.ready) return expect.unreachable('redis is not running; start it to run this test');
    const file = await javaLog();
    const withModule = h.stream('ship-module-yaml');
    const explicit = h.stream('ship-module-explicit');
    const config = join(file, '..', 'shipper.yaml');
    await writeFile(
      config,
      `output: { url: ${h.url(withModule)} }\ninputs:\n  - { type: file, paths: ${file}, follow: false, module: java }\n`,
    );
    const r = await shipCli(['ship', '--config', config]).exit;
    expect(r.code, r.output).toBe(0);
    expect((await collect(h, withModule, EVENTS.length)).map((x) => x.line)).toEqual(EVENTS);

    // `indented` joins only the indented frames: the exception and "Caused by" lines stay apart.
    await writeFile(
      config,
      `output: { url: ${h.url(explicit)} }\ninputs:\n  - { type: file, paths: ${file}, follow: false, module: java, multiline: indented }\n`,
    );
    const again = await shipCli(['ship', '--config', config]).exit;
    expect(again.code, again.output).toBe(0);
    const physical = EVENTS.join('\n').split('\n');
    const indentedEvents = physical.length - physical.filter((l) => l.startsWith('\t')).length;
    expect(await collect(h, explicit, indentedEvents)).toHaveLength(indentedEvents);
  }, 120_000);

  it('an unknown module is a config error naming the key, the value and the known modules', async () => {
    const file = await javaLog();
    const config = join(file, '..', 'shipper.yaml');
    await writeFile(
      config,
      `output: { url: redis://127.0.0.1:6379/x }\ninputs:\n  - { type: file, paths: ${file}, module: jav }\n`,
    );
    const r = await shipCli(['ship', '--config', config]).exit;
    expect(r.code).toBe(2);
    expect(r.output).toContain('inputs[0].module must be one of ');
    expect(r.output).toContain('java');
    expect(r.output).toContain('got "jav"');
  });
});
