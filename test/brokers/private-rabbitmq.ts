import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { freePort } from '../support/net.js';

const exec = promisify(execFile);

/**
 * A RabbitMQ node of a test's own: its node name, ports, data directory, logs, config and
 * Erlang cookie (HOME) all under one temporary directory, so a test may stop it, restart
 * it or enable plugins while the shared node on :5672 keeps serving everyone else.
 *
 * Run as root, the packaged scripts in /usr/lib/rabbitmq/bin are called directly: the
 * /usr/sbin wrappers would `su rabbitmq`, which cannot read a root-owned temp directory.
 * Otherwise `rabbitmq-server` and `rabbitmqctl` come from PATH.
 */
export class PrivateRabbitMq {
  readonly nodeName = `sluice-test-${process.pid}-${Math.random().toString(36).slice(2, 8)}@localhost`;
  private dir = '';
  private env: NodeJS.ProcessEnv = {};
  private running = false;

  private constructor(
    readonly amqpPort: number,
    readonly managementPort: number,
    private readonly distPort: number,
    private readonly bin: string,
    private readonly management: boolean,
  ) {}

  /** Why a private node cannot run here, or undefined when it can. */
  static unavailable(): string | undefined {
    return binDir() === undefined ? 'no rabbitmq-server on this machine' : undefined;
  }

  /** Starts a fresh node; `management` also enables the management plugin (HTTP API). */
  static async start(options: { management?: boolean } = {}): Promise<PrivateRabbitMq> {
    const bin = binDir();
    if (bin === undefined) throw new Error('no rabbitmq-server on this machine');
    const node = new PrivateRabbitMq(
      await freePort(),
      await freePort(),
      await freePort(),
      bin,
      options.management === true,
    );
    await node.init();
    await node.boot();
    return node;
  }

  /** `amqp://guest:guest@127.0.0.1:PORT/QUEUE`, plus query options. */
  url(queue: string, query = ''): string {
    return `amqp://guest:guest@127.0.0.1:${this.amqpPort}/${queue}${query ? `?${query}` : ''}`;
  }

  get managementUrl(): string {
    return `http://guest:guest@127.0.0.1:${this.managementPort}`;
  }

  /** A real process stop (the node exits; its pid file's process is gone when this resolves). */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    await this.ctl(['stop', join(this.dir, 'node.pid')], 120_000);
  }

  /** Boots the node again on the same data directory and node name (quorum queues need both). */
  async boot(): Promise<void> {
    await exec(join(this.bin, 'rabbitmq-server'), ['-detached'], { env: this.env, cwd: this.dir });
    this.running = true;
    // `await_startup` fails at once while the node is not registered with epmd yet.
    const deadline = Date.now() + 120_000;
    for (;;) {
      try {
        await this.ctl(['await_startup', '--timeout', '60'], 70_000);
        return;
      } catch (error) {
        if (Date.now() > deadline) throw error;
        await sleep(500);
      }
    }
  }

  /** `rabbitmqctl -n NODE ARGS` against this node. */
  async ctl(args: string[], timeout = 60_000): Promise<string> {
    const { stdout } = await exec(join(this.bin, 'rabbitmqctl'), ['-n', this.nodeName, '-q', ...args], {
      env: this.env,
      cwd: this.dir,
      timeout,
    });
    return stdout;
  }

  /** Messages in a queue (ready + unacknowledged), as the node itself counts them. */
  async queueMessages(queue: string): Promise<{ ready: number; unacked: number }> {
    const out = await this.ctl(['list_queues', 'name', 'messages_ready', 'messages_unacknowledged']);
    for (const line of out.split('\n')) {
      const [name, ready, unacked] = line.trim().split(/\s+/);
      if (name === queue) return { ready: Number(ready), unacked: Number(unacked) };
    }
    throw new Error(`queue ${queue} not found on ${this.nodeName}:\n${out}`);
  }

  /** Stops the node (whatever state it is in) and deletes everything it wrote. */
  async destroy(): Promise<void> {
    await this.stop().catch(() => {});
    if (this.dir) await rm(this.dir, { recursive: true, force: true });
  }

  private async init(): Promise<void> {
    this.dir = await mkdtemp(join(tmpdir(), 'sluice-rabbitmq-'));
    const conf = [
      `listeners.tcp.local = 127.0.0.1:${this.amqpPort}`,
      // guest may connect from loopback only, which is where the tests are.
      ...(this.management
        ? [
            'management.tcp.ip = 127.0.0.1',
            `management.tcp.port = ${this.managementPort}`,
            // Queue counters reach the HTTP API once per interval (default 5 s).
            'collect_statistics_interval = 500',
          ]
        : []),
    ];
    await writeFile(join(this.dir, 'rabbitmq.conf'), `${conf.join('\n')}\n`);
    await writeFile(
      join(this.dir, 'enabled_plugins'),
      this.management ? '[rabbitmq_management].\n' : '[].\n',
    );
    // An empty env file: the machine's /etc/rabbitmq/rabbitmq-env.conf names the shared node.
    await writeFile(join(this.dir, 'rabbitmq-env.conf'), '');
    this.env = {
      PATH: process.env.PATH,
      // The Erlang cookie lives in HOME: a private one, so nothing here can reach the shared node.
      HOME: this.dir,
      RABBITMQ_CONF_ENV_FILE: join(this.dir, 'rabbitmq-env.conf'),
      RABBITMQ_CONFIG_FILE: join(this.dir, 'rabbitmq.conf'),
      RABBITMQ_ENABLED_PLUGINS_FILE: join(this.dir, 'enabled_plugins'),
      RABBITMQ_NODENAME: this.nodeName,
      RABBITMQ_NODE_IP_ADDRESS: '127.0.0.1',
      RABBITMQ_NODE_PORT: String(this.amqpPort),
      RABBITMQ_DIST_PORT: String(this.distPort),
      RABBITMQ_MNESIA_BASE: join(this.dir, 'mnesia'),
      RABBITMQ_LOG_BASE: join(this.dir, 'log'),
      RABBITMQ_PID_FILE: join(this.dir, 'node.pid'),
      RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS: '-kernel inet_dist_use_interface {127,0,0,1}',
      ERL_EPMD_ADDRESS: '127.0.0.1',
    };
  }
}

function binDir(): string | undefined {
  const packaged = '/usr/lib/rabbitmq/bin';
  if (process.getuid?.() === 0 && existsSync(join(packaged, 'rabbitmq-server'))) return packaged;
  for (const dir of (process.env.PATH ?? '').split(':')) {
    if (dir && existsSync(join(dir, 'rabbitmq-server')) && existsSync(join(dir, 'rabbitmqctl'))) return dir;
  }
  return undefined;
}
