import amqp from 'amqplib';
import type { ProbeResult } from '../descriptor.js';

/** An AMQP connection opens (the handshake, credentials and vhost included). */
export async function probeAmqp(url: string, timeoutMs = 3000): Promise<ProbeResult> {
  try {
    const connection = await amqp.connect(url, { timeout: timeoutMs });
    connection.on('error', () => undefined);
    const product = connection.connection.serverProperties?.product;
    const version = connection.connection.serverProperties?.version;
    await connection.close();
    return { ok: true, detail: [product, version].filter(Boolean).join(' ') || 'connected' };
  } catch (error) {
    return { ok: false, detail: error instanceof Error ? error.message : String(error) };
  }
}
