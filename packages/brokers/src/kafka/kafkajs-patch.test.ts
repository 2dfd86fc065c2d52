import { createRequire } from 'node:module';
import { describe, expect, it, vi } from 'vitest';

// The patched internals of kafkajs (patches/kafkajs@2.2.4.patch): records are encoded with
// pooled buffers and headers written in place, varints in place, and messages grouped per
// partition in one pass. Checked here against kafkajs's own decoder and its old behaviour;
// test/brokers/kafka.test.ts and the conformance suite check them against a real broker.
const require = createRequire(import.meta.url);
const internal = (path: string) => require(`kafkajs/src/${path}`);
type Headers = Record<string, string | Buffer | string[]>;
interface Decoded {
  key: Buffer | null;
  value: Buffer | null;
  headers: Record<string, Buffer | Buffer[]>;
  offset: string;
}
const encodeRecord = internal('protocol/recordBatch/record/v0/index.js') as (r: object) => {
  buffer: Buffer;
};
const decodeRecord = internal('protocol/recordBatch/record/v0/decoder.js') as (
  d: unknown,
  c: object,
) => Decoded;
const Decoder = internal('protocol/decoder.js') as new (
  b: Buffer,
) => { readVarInt(): number; offset: number };
const Encoder = internal('protocol/encoder.js') as new () => {
  writeUVarInt(n: number): unknown;
  buffer: Buffer;
};
/** kafkajs's Encoder with the writers the produce request's reference needs. */
interface Enc {
  writeInt16(n: number): Enc;
  writeInt32(n: number): Enc;
  writeString(s: string | null): Enc;
  writeBuffer(b: Buffer): Enc;
  writeEncoder(e: Enc): Enc;
  writeArray(a: Enc[]): Enc;
  buffer: Buffer;
}
const EncoderOf = Encoder as unknown as new () => Enc;
const groupMessagesPerPartition = internal('producer/groupMessagesPerPartition.js') as (
  a: object,
) => Record<string, { value: string }[]>;

type Message = { key?: unknown; value?: unknown; headers?: unknown; timestamp?: string | number };
const encodeRecords = internal('protocol/recordBatch/record/v0/batch.js') as (
  messages: Message[],
  firstTimestamp: number,
  dateNow: number,
) => Buffer;
const { RecordBatch } = internal('protocol/recordBatch/v0/index.js') as {
  RecordBatch: (options: object) => Promise<{ buffer: Buffer }>;
};
const Long = internal('utils/long.js') as { fromInt(n: number): unknown };
const produceV3 = internal('protocol/requests/produce/v3/request.js') as (options: object) => {
  encode(options?: { headroom: number }): Promise<{ buffer: Buffer }>;
};
const createRequest = internal('protocol/request.js') as (options: object) => Promise<{ buffer: Buffer }>;
const crc32C = internal('protocol/recordBatch/crc32C/index.js') as (b: Buffer) => number;

/** CRC-32C bit by bit (reflected polynomial 0x82F63B78): the definition the tables derive from. */
function crc32CBitwise(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of bytes) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ 0x82f63b78 : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}

describe('kafkajs as patched', () => {
  it('writes a batch of records as the bytes of one record after another, odd messages included', () => {
    const now = 1_767_323_045_000;
    const one = (m: Message, i: number, first: number) =>
      encodeRecord({ ...m, offsetDelta: i, timestampDelta: (Number(m.timestamp) || now) - first }).buffer;
    const messages: Message[] = [
      {
        key: '/var/log/a.log',
        value: 'GET / 200 é😀',
        headers: { 'x-sluice-id': 'abc', 'x-sluice-fields': '{"a":1}' },
      },
      { key: null, value: null },
      { key: Buffer.from([1, 2, 3]), value: Buffer.alloc(300, 7), headers: {} },
      { key: 'k', value: '\ud800 lone', headers: { ключ: 'значение 😀', b: Buffer.from('raw'), e: '' } },
      // What the fast path leaves to Record(): arrays of header values, deltas past 2^30 ms.
      { key: 'k', value: 'tags', headers: { tags: ['a', 'b'] } },
      { key: 'k', value: 'late', timestamp: String(now + 5_000) },
      { key: 'k', value: 'far', timestamp: now + 2 ** 31 },
      { key: 'k', value: 'x'.repeat(20_000) },
    ];
    for (let i = 0; i < 300; i++)
      messages.push({
        key: 'src',
        value: `line ${i} ${'ü'.repeat(i)}`,
        headers: { 'x-sluice-offset': String(i * 100) },
      });
    const first = now - 10;
    expect(encodeRecords(messages, first, now)).toEqual(
      Buffer.concat(messages.map((m, i) => one(m, i, first))),
    );
    expect(encodeRecords([], now, now)).toEqual(Buffer.alloc(0));
    // What Record() refuses, the batch refuses too.
    for (const bad of [
      { key: 1, value: 'v' },
      { key: 'k', value: 'v', headers: null },
      { key: 'k', value: 'v', headers: { h: null } },
    ])
      expect(() => encodeRecords([bad], now, now)).toThrow(TypeError);
  });

  it('writes short ASCII strings itself and the rest through Buffer, with the same bytes', () => {
    // Strings up to 64 characters that are ASCII skip Buffer.byteLength and buf.write: both
    // sides of that limit, and short strings with one character past 0x7f anywhere in them.
    const now = 1_767_323_045_000;
    const texts = ['', 'a', '\u007f', '\u0080', 'é', '\ud800', '😀'];
    for (const n of [1, 10, 63, 64, 65, 200])
      for (const odd of ['', 'é', '\u0080', '😀', '\udc00', '\u007f']) {
        texts.push(
          'x'.repeat(n) + odd,
          odd + 'y'.repeat(n),
          `${'z'.repeat(n >> 1)}${odd}${'z'.repeat(n >> 1)}`,
        );
      }
    const messages: Message[] = texts.map((t, i) => ({
      key: t,
      value: texts[(i * 7) % texts.length],
      headers: { [t || 'empty']: t, [`h-${t}`]: texts[(i * 3) % texts.length] as string },
    }));
    const one = (m: Message, i: number) => encodeRecord({ ...m, offsetDelta: i, timestampDelta: 0 }).buffer;
    expect(encodeRecords(messages, now, now)).toEqual(Buffer.concat(messages.map(one)));
  });

  it('frames records written in one buffer as the record batch of Record() encoders', async () => {
    const now = 1_767_323_045_000;
    const messages = Array.from({ length: 500 }, (_, i) => ({
      key: 'src',
      value: `line ${i} ${'é'.repeat(i % 7)}`,
      headers: { 'x-sluice-id': `id${i}` },
    }));
    const common = {
      firstTimestamp: now,
      maxTimestamp: now + 3,
      producerId: Long.fromInt(4242),
      producerEpoch: 3,
      firstSequence: 77,
      lastOffsetDelta: messages.length - 1,
      transactional: true,
    };
    const records = messages.map((m, i) => encodeRecord({ ...m, offsetDelta: i, timestampDelta: 0 }));
    const before = await RecordBatch({ ...common, records });
    const after = await RecordBatch({
      ...common,
      records: [],
      encodedRecords: { count: messages.length, buffer: encodeRecords(messages, now, now) },
    });
    expect(after.buffer).toEqual(before.buffer);
  });

  it('checksums record batches with CRC-32C, eight bytes at a time or one', () => {
    expect(crc32C(Buffer.from('123456789'))).toBe(0xe3069283); // the standard check value
    const bytes = Buffer.alloc(4099);
    for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 2654435761) >>> 24;
    // Every length 0-40 (tails of 0-7 bytes after the 8-byte steps), offsets into a larger buffer, a long run.
    for (let length = 0; length <= 40; length++)
      for (const start of [0, 1, 3, 7])
        expect(crc32C(bytes.subarray(start, start + length))).toBe(
          crc32CBitwise(bytes.subarray(start, start + length)),
        );
    expect(crc32C(bytes)).toBe(crc32CBitwise(bytes));
  });

  it('encodes records that its decoder reads back: keys, values, headers of every kind', () => {
    const cases: { key: string | Buffer | null; value: string | Buffer | null; headers: Headers }[] = [
      {
        key: '/var/log/app.log',
        value: 'GET / 200 é😀',
        headers: { 'x-sluice-id': 'abc', 'x-sluice-offset': '4096' },
      },
      { key: null, value: 'x'.repeat(5_000), headers: {} },
      {
        key: Buffer.from([0, 1, 2]),
        value: Buffer.from('bytes'),
        headers: { multi: ['1', '2'], raw: Buffer.from([9]) },
      },
      { key: 'k', value: null, headers: { 'x-sluice-fields': '{"host.name":"web-1"}'.repeat(100) } },
    ];
    for (const [i, c] of cases.entries()) {
      const encoded = encodeRecord({ offsetDelta: i, timestampDelta: 1_000 * i, ...c }).buffer;
      const decoder = new Decoder(encoded);
      const length = decoder.readVarInt();
      const record = decodeRecord(decoder, { firstOffset: '0', firstTimestamp: '0', magicByte: 2 });
      expect(record.offset).toBe(String(i));
      // The length prefix covers exactly the rest: nothing missing, nothing left over.
      expect(decoder.offset).toBe(encoded.length);
      expect(encoded.length - length).toBeLessThanOrEqual(5);
      expect(record.key === null ? null : record.key.toString()).toBe(
        c.key === null ? null : c.key.toString(),
      );
      expect(record.value === null ? null : record.value.toString()).toBe(
        c.value === null ? null : c.value.toString(),
      );
      const headers = Object.fromEntries(
        Object.entries(record.headers).map(([k, v]) => [k, Array.isArray(v) ? v.map(String) : String(v)]),
      );
      const expected = Object.fromEntries(
        Object.entries(c.headers).map(([k, v]) => [k, Array.isArray(v) ? v : String(v)]),
      );
      expect(headers).toEqual(expected);
    }
  });

  it('writes varints as the protocol spells them', () => {
    for (const [n, bytes] of [
      [0, [0]],
      [1, [1]],
      [127, [127]],
      [128, [128, 1]],
      [300, [172, 2]],
      [2 ** 31, [128, 128, 128, 128, 8]],
    ] as const) {
      const e = new Encoder();
      e.writeUVarInt(n);
      expect([...e.buffer], String(n)).toEqual(bytes);
    }
  });

  it('groups messages per partition in order', () => {
    const messages = Array.from({ length: 2_000 }, (_, i) => ({ value: String(i) }));
    const grouped = groupMessagesPerPartition({
      topic: 't',
      partitionMetadata: [{ partitionId: 0 }, { partitionId: 1 }, { partitionId: 2 }],
      messages,
      partitioner: ({ message }: { message: { value: string } }) => Number(message.value) % 3,
    });
    expect(Object.keys(grouped)).toEqual(['0', '1', '2']);
    for (const p of [0, 1, 2])
      expect(grouped[p]?.map((m) => Number(m.value))).toEqual(
        messages.map((_, i) => i).filter((i) => i % 3 === p),
      );
  });

  it('writes an uncompressed produce request in one buffer, the bytes of the nested encoders', async () => {
    // The reference: kafkajs's own layering (produce/v3 topicEncoder and partitionsEncoder,
    // RecordBatch of Record() encoders, request.js's header), each level copied into the next.
    const now = Date.now();
    const message = (i: number, p: number): Message => ({
      key: `src-${p}`,
      value: `line ${i} ${'é'.repeat(i % 5)}${i % 11 === 0 ? '😀' : ''}`,
      headers: { 'x-sluice-id': `id${i}`, 'x-sluice-offset': String(i * 91) },
      // A few carry their own timestamp (then the batch's first and max come from those).
      ...(p === 2 && i % 3 === 0 ? { timestamp: String(now - i) } : {}),
    });
    const topicData = [
      {
        topic: 'logs-a',
        partitions: [0, 1, 2].map((p) => ({
          partition: p,
          firstSequence: p * 1_000,
          messages: Array.from({ length: 50 + p * 37 }, (_, i) => message(i, p)),
        })),
      },
      { topic: 'logs-b', partitions: [{ partition: 4, messages: [message(7, 9)] }] },
    ];
    const options = { acks: -1, timeout: 30_000, producerId: Long.fromInt(9), producerEpoch: 2, topicData };
    const reference = async (transactionalId: string | null) => {
      const topics = [];
      for (const { topic, partitions } of topicData) {
        const encoded = [];
        for (const { partition, messages, firstSequence } of partitions as {
          partition: number;
          messages: Message[];
          firstSequence?: number;
        }[]) {
          const stamps = messages
            .map((m) => m.timestamp)
            .filter((t) => t != null)
            .sort();
          const first = Number(stamps[0] ?? now);
          const batch = await RecordBatch({
            records: messages.map((m, i) =>
              encodeRecord({ ...m, offsetDelta: i, timestampDelta: (Number(m.timestamp) || now) - first }),
            ),
            firstTimestamp: stamps[0] ?? now,
            maxTimestamp: stamps.at(-1) ?? now,
            producerId: options.producerId,
            producerEpoch: options.producerEpoch,
            firstSequence,
            transactional: transactionalId !== null,
            lastOffsetDelta: messages.length - 1,
          });
          encoded.push(
            new EncoderOf().writeInt32(partition).writeInt32(batch.buffer.length).writeBuffer(batch.buffer),
          );
        }
        topics.push(new EncoderOf().writeString(topic).writeArray(encoded));
      }
      const payload = new EncoderOf()
        .writeString(transactionalId)
        .writeInt16(-1)
        .writeInt32(30_000)
        .writeArray(topics);
      const body = new EncoderOf()
        .writeInt16(0)
        .writeInt16(3)
        .writeInt32(42)
        .writeString('sluice')
        .writeEncoder(payload);
      return new EncoderOf().writeInt32(body.buffer.length).writeEncoder(body).buffer;
    };
    for (const transactionalId of [null, 'tx-1']) {
      // Date.now() inside the encoder must be the `now` above: messages without a timestamp take it.
      vi.spyOn(Date, 'now').mockReturnValue(now);
      try {
        const request = produceV3({ ...options, transactionalId, compression: 0 });
        const sent = await createRequest({
          correlationId: 42,
          clientId: 'sluice',
          request: { apiKey: 0, apiVersion: 3, encode: request.encode },
        });
        expect(sent.buffer).toEqual(await reference(transactionalId));
        // Without headroom (a caller that encodes the payload alone): the payload's bytes.
        const alone = await request.encode();
        expect(alone.buffer).toEqual((await reference(transactionalId)).subarray(4 + 2 + 2 + 4 + 2 + 6));
      } finally {
        vi.restoreAllMocks();
      }
    }
  });
});

// RequestQueue.scheduleCheckPendingRequests as kafkajs 2.2.4 ships it: with nothing pending it
// still schedules a check, with a negative delay, which reschedules itself (issue 1556).
function scheduleCheckPendingRequestsUnpatched(this: {
  throttledUntil: number;
  throttleCheckTimeoutId: NodeJS.Timeout | null;
  pending: unknown[];
  checkPendingRequests(): void;
}): void {
  let scheduleAt = this.throttledUntil - Date.now();
  if (!this.throttleCheckTimeoutId) {
    if (this.pending.length > 0) scheduleAt = scheduleAt > 0 ? scheduleAt : 10;
    this.throttleCheckTimeoutId = setTimeout(() => {
      this.throttleCheckTimeoutId = null;
      this.checkPendingRequests();
    }, scheduleAt);
  }
}

describe('kafkajs request queue as patched', () => {
  type Queue = {
    push(r: object): void;
    fulfillRequest(r: { correlationId: number; payload: Buffer | null; size: number }): void;
    maybeThrottle(ms: number): void;
    checkPendingRequests(): void;
    scheduleCheckPendingRequests(): void;
    destroy(): void;
  };
  const RequestQueue = internal('network/requestQueue/index.js') as new (o: object) => Queue;
  const logger = { debug() {}, warn() {}, info() {}, error() {} };

  /**
   * Drives one queue through a script of pushes, answers and throttles on fake timers and
   * returns what it sent when (correlation id @ fake ms) and how often it checked its
   * pending list.
   */
  function drive(unpatched: boolean): { sent: string[]; checks: number } {
    vi.useFakeTimers({ now: 1_000_000 });
    try {
      const queue = new RequestQueue({
        maxInFlightRequests: 2,
        requestTimeout: 30_000,
        clientId: 't',
        broker: 'b',
        logger,
      });
      if (unpatched) queue.scheduleCheckPendingRequests = scheduleCheckPendingRequestsUnpatched;
      const check = queue.checkPendingRequests.bind(queue);
      let checks = 0;
      queue.checkPendingRequests = () => {
        checks++;
        check();
      };
      const sent: string[] = [];
      let id = 0;
      const push = () => {
        const correlationId = id++;
        queue.push({
          entry: { correlationId, apiKey: 1, apiName: 'Fetch', apiVersion: 11, resolve() {}, reject() {} },
          expectResponse: true,
          sendRequest: () => sent.push(`${correlationId}@${Date.now() - 1_000_000}`),
        });
      };
      const answer = (correlationId: number) =>
        queue.fulfillRequest({ correlationId, payload: Buffer.alloc(0), size: 0 });
      // Two in flight, three waiting for room; answers let them out one by one.
      for (let i = 0; i < 5; i++) push();
      vi.advanceTimersByTime(50);
      answer(0);
      vi.advanceTimersByTime(50);
      answer(1);
      answer(2);
      vi.advanceTimersByTime(50);
      answer(3);
      answer(4);
      vi.advanceTimersByTime(100);
      // Throttled by the broker: what is pushed meanwhile leaves when the throttle ends.
      queue.maybeThrottle(120);
      push();
      push();
      vi.advanceTimersByTime(60);
      push();
      vi.advanceTimersByTime(200);
      answer(5);
      answer(6);
      answer(7);
      // Idle: nothing pending, nothing in flight (after the checks already scheduled ran).
      vi.advanceTimersByTime(500);
      const before = checks;
      vi.advanceTimersByTime(1_000);
      const idleChecks = checks - before;
      queue.destroy();
      return { sent, checks: idleChecks };
    } finally {
      vi.useRealTimers();
    }
  }

  it('sends what it queued when and in the order kafkajs did, without checking an empty queue every millisecond', () => {
    const patched = drive(false);
    const original = drive(true);
    expect(patched.sent).toEqual(original.sent);
    expect(patched.sent).toHaveLength(8);
    // The original spins on a 1 ms timer when idle; the patched queue sleeps.
    expect(original.checks).toBeGreaterThan(500);
    expect(patched.checks).toBe(0);
  });
});
