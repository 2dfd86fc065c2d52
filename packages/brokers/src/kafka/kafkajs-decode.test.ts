import { createRequire } from 'node:module';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';

// The consumer side of patches/kafkajs@2.2.4.patch: uncompressed record batches decoded in
// place (record/v0/decodeInPlace.js) and fetched offsets compared as numbers (Batch). Each
// case decodes the same bytes with the fast path on and off (kafkajs's own decoder, left in
// the patched package as the fallback) and compares everything: values, key order,
// prototypes, Buffer bytes, errors.
const require = createRequire(import.meta.url);
const internal = (path: string) => require(`kafkajs/src/${path}`);
const Decoder = internal('protocol/decoder.js') as new (b: Buffer) => object;
const decodeRecordBatch = internal('protocol/recordBatch/v0/decoder.js') as (d: object) => Promise<{
  records: unknown[];
}>;
const { inPlace } = internal('protocol/recordBatch/record/v0/decodeInPlace.js') as {
  inPlace: { enabled: boolean };
};
const Batch = internal('consumer/batch.js') as new (
  topic: string,
  fetchedOffset: unknown,
  partitionData: object,
) => { messages: { offset: string }[]; messagesWithinOffset: { offset: string }[] };
const Long = internal('utils/long.js') as { fromValue(v: unknown): { gte(o: unknown): boolean } };

// --- a record batch, byte by byte (the protocol's v2 format) ------------------------------

const zigzag = (n: bigint) => (n << 1n) ^ (n >> 63n);
function varint(n: number | bigint): number[] {
  let u = BigInt.asUintN(64, zigzag(BigInt(n)));
  const out: number[] = [];
  do {
    const byte = Number(u & 0x7fn);
    u >>= 7n;
    out.push(u > 0n ? byte | 0x80 : byte);
  } while (u > 0n);
  return out;
}
/** A varint of exactly `width` bytes (padded with continuation bytes), as some writers emit. */
function paddedVarint(n: number, width: number): number[] {
  const bytes = varint(n);
  while (bytes.length < width) {
    bytes[bytes.length - 1] = (bytes[bytes.length - 1] as number) | 0x80;
    bytes.push(0);
  }
  return bytes;
}
const lengthPrefixed = (b: Buffer | string | null) =>
  b === null ? varint(-1) : [...varint(Buffer.byteLength(b)), ...Buffer.from(b)];

interface RecordSpec {
  attributes?: number;
  timestampDelta?: number | bigint;
  offsetDelta?: number;
  key?: Buffer | string | null;
  value?: Buffer | string | null;
  headers?: [string | null, Buffer | string | null][];
  /** Bytes that replace the whole record body (after its length). */
  body?: number[];
  /** Appended to the body, inside the record's length. */
  trailing?: number[];
  /** The length written before the body, instead of its real length. */
  length?: number;
}

function record(spec: RecordSpec): number[] {
  const body = spec.body ?? [
    spec.attributes ?? 0,
    ...varint(spec.timestampDelta ?? 0),
    ...varint(spec.offsetDelta ?? 0),
    ...lengthPrefixed(spec.key === undefined ? 'key' : spec.key),
    ...lengthPrefixed(spec.value === undefined ? 'value' : spec.value),
    ...varint(spec.headers?.length ?? 0),
    ...(spec.headers ?? []).flatMap(([k, v]) => [...lengthPrefixed(k), ...lengthPrefixed(v)]),
  ];
  const full = [...body, ...(spec.trailing ?? [])];
  return [...varint(spec.length ?? full.length), ...full];
}

interface BatchSpec {
  firstOffset?: bigint;
  firstTimestamp?: bigint;
  maxTimestamp?: bigint;
  attributes?: number;
  /** The records' count as written (defaults to the number of records). */
  count?: number;
  records: number[][];
  /** The records section as written (after the count), e.g. compressed. */
  recordsBytes?: Buffer;
  /** Cut the batch's bytes to this many after its length field (a partial batch). */
  truncateTo?: number;
}

function batchBytes(spec: BatchSpec): Buffer {
  const head = Buffer.alloc(49 + 4);
  head.writeBigInt64BE(spec.firstOffset ?? 0n, 0);
  // length at 8, written below
  head.writeInt32BE(0, 12); // partition leader epoch
  head.writeInt8(2, 16); // magic
  head.writeInt32BE(0, 17); // crc (not checked by kafkajs)
  head.writeInt16BE(spec.attributes ?? 0, 21);
  head.writeInt32BE(Math.max(0, spec.records.length - 1), 23);
  head.writeBigInt64BE(spec.firstTimestamp ?? 1_767_323_045_000n, 27);
  head.writeBigInt64BE(spec.maxTimestamp ?? 1_767_323_046_000n, 35);
  head.writeBigInt64BE(-1n, 43); // producer id
  // producer epoch (int16) and first sequence (int32) follow at 51: widen the buffer
  const tail = Buffer.alloc(6);
  tail.writeInt16BE(-1, 0);
  tail.writeInt32BE(-1, 2);
  const count = Buffer.alloc(4);
  count.writeInt32BE(spec.count ?? spec.records.length, 0);
  const body = spec.recordsBytes ?? Buffer.from(spec.records.flat());
  const whole = Buffer.concat([head.subarray(0, 51), tail, count, body]);
  whole.writeInt32BE(whole.length - 12, 8);
  return spec.truncateTo === undefined ? whole : whole.subarray(0, 12 + spec.truncateTo);
}

// --- comparing what the two paths give ---------------------------------------------------

/** Everything observable about a value: own keys in order, descriptors, prototypes, bytes. */
function shape(v: unknown, seen = new Map<object, string>(), path = '$'): unknown {
  if (v === null || typeof v !== 'object') {
    return typeof v === 'function' ? `function ${(v as { name: string }).name}` : [typeof v, v];
  }
  const again = seen.get(v);
  if (again !== undefined) return `same as ${again}`;
  seen.set(v, path);
  if (Buffer.isBuffer(v)) return ['Buffer', v.toString('hex'), v.length];
  const proto = Object.getPrototypeOf(v);
  const kind = proto === Object.prototype ? 'Object' : proto === Array.prototype ? 'Array' : String(proto);
  return [
    kind,
    Reflect.ownKeys(v).map((k) => {
      const d = Object.getOwnPropertyDescriptor(v, k) as PropertyDescriptor;
      return [String(k), d.enumerable, d.writable, shape(d.value, seen, `${path}.${String(k)}`)];
    }),
  ];
}

async function outcome(bytes: Buffer, fast: boolean): Promise<unknown> {
  inPlace.enabled = fast;
  try {
    const decoded = await decodeRecordBatch(new Decoder(bytes));
    return shape(decoded);
  } catch (e) {
    const error = e as Error;
    return ['threw', error.constructor.name, error.name, error.message];
  } finally {
    inPlace.enabled = true;
  }
}

async function expectSameAsKafkajs(spec: BatchSpec): Promise<unknown> {
  const bytes = batchBytes(spec);
  const slow = await outcome(bytes, false);
  expect(await outcome(bytes, true)).toEqual(slow);
  return slow;
}

const sluiceHeaders: [string, string][] = [
  ['x-sluice-id', 'b3JpZ2luYWwtaWQ'],
  ['x-sluice-source', '/var/log/apache2/access.log'],
  ['x-sluice-shipped-at', '1767323045123'],
  ['x-sluice-offset', '40960'],
  ['x-sluice-fields', '{"host":"web-1"}'],
];

describe('kafkajs as patched: record batches decoded in place', () => {
  it('gives what kafkajs gives for Sluice records, odd keys, values and headers', async () => {
    const records = [
      record({
        key: '/var/log/a.log',
        value: '1.2.3.4 - - "GET / HTTP/1.1" 200 é😀',
        headers: sluiceHeaders,
      }),
      record({ offsetDelta: 1, key: null, value: null }),
      record({ offsetDelta: 2, key: '', value: '', headers: [] }),
      record({
        offsetDelta: 3,
        headers: [
          ['h', 'a'],
          ['h', 'b'],
          ['h', 'c'],
          ['g', 'x'],
          ['h', null],
        ],
      }),
      record({
        offsetDelta: 4,
        headers: [
          ['n', null],
          ['n', null],
        ],
      }),
      record({
        offsetDelta: 5,
        headers: [
          [null, 'null key'],
          ['null', 'text null'],
        ],
      }),
      record({
        offsetDelta: 6,
        headers: [
          ['toString', 'x'],
          ['constructor', 'y'],
          ['hasOwnProperty', 'z'],
        ],
      }),
      record({
        offsetDelta: 7,
        headers: [
          ['__proto__', 'p'],
          ['__proto__', 'q'],
          ['a', '1'],
        ],
      }),
      record({
        offsetDelta: 8,
        headers: [
          ['2', 'two'],
          ['b', 'bee'],
          ['1', 'one'],
          ['ключ', 'значение 😀'],
        ],
      }),
      record({
        offsetDelta: 9,
        key: Buffer.from([0xff, 0, 0xfe]),
        headers: [[Buffer.from([0xc3]).toString('latin1'), 'x']],
      }),
      record({ offsetDelta: 10, value: 'x'.repeat(20_000), attributes: 0x7f, timestampDelta: -5 }),
    ];
    // A header key of invalid UTF-8 bytes: both decode it with replacement characters.
    records.push([
      ...varint(8),
      0,
      0,
      ...varint(11),
      0,
      0,
      ...varint(1),
      ...varint(2),
      0xc3,
      0x28,
      ...varint(-1),
    ]);
    const decoded = (await expectSameAsKafkajs({ firstOffset: 1_000n, records })) as unknown[];
    expect(JSON.stringify(decoded)).toContain('x-sluice-id');
  });

  it("reads each record's header names, where the names of the record before differ", async () => {
    const names = [
      ['abc', 'x'],
      ['abd', 'x'],
      ['abd', 'xy'],
      ['ab', 'x', 'z'],
      ['é', 'x'],
      ['e\u0301', 'x'],
      [],
      ['abc', 'x'],
    ];
    const records = names.map((list, i) =>
      record({ offsetDelta: i, headers: list.map((n, j) => [n, `${i}.${j}`] as [string, string]) }),
    );
    // A name that leaves the record: the record goes to kafkajs's path, and the next ones are read again.
    records.push(
      record({ body: [0, 0, 0, ...varint(1), 7, ...varint(1), 8, ...varint(1), ...varint(40), 97] }),
    );
    records.push(record({ offsetDelta: 9, headers: [['abc', 'again']] }));
    await expectSameAsKafkajs({ records: records.slice(0, -2) });
    await expectSameAsKafkajs({ records });
  });

  it('gives what kafkajs gives for offsets and timestamps near and past 2^53, negative and append time', async () => {
    const big = 2n ** 53n;
    const cases: BatchSpec[] = [
      { firstOffset: big - 3n, records: [0, 1, 2, 3, 4].map((d) => record({ offsetDelta: d })) },
      { firstOffset: big + 10n, records: [record({ offsetDelta: 0 }), record({ offsetDelta: 1 })] },
      {
        firstOffset: 2n ** 62n,
        records: [record({ offsetDelta: 2 ** 31 - 1 }), record({ offsetDelta: -(2 ** 31) })],
      },
      { firstOffset: 5n, records: [record({ offsetDelta: -7 }), record({ offsetDelta: 2 ** 30 })] },
      { firstOffset: -1n, records: [record({ offsetDelta: 0 })] },
      {
        firstTimestamp: big - 2n,
        records: [0, 1, 2, 3, -5].map((d, i) => record({ offsetDelta: i, timestampDelta: d })),
      },
      {
        firstTimestamp: -1n,
        records: [record({ timestampDelta: 0 }), record({ timestampDelta: 2n ** 40n })],
      },
      {
        firstTimestamp: 0n,
        records: [record({ timestampDelta: 2n ** 48n }), record({ timestampDelta: 2n ** 49n })],
      },
      {
        firstTimestamp: 2n ** 60n,
        records: [record({ timestampDelta: 2n ** 62n }), record({ timestampDelta: -(2n ** 63n) })],
      },
      // Log append time: every record carries the batch's max timestamp.
      {
        attributes: 0x08,
        maxTimestamp: 123n,
        records: [record({ timestampDelta: 9 }), record({ timestampDelta: 2n ** 60n })],
      },
      { attributes: 0x08, maxTimestamp: 0n, records: [record({ timestampDelta: 9 })] },
    ];
    for (const c of cases) await expectSameAsKafkajs(c);
  });

  it('gives what kafkajs gives for varints longer than they need be', async () => {
    const body = (lengthBytes: number[]) => [
      0,
      ...paddedVarint(3, 9), // timestamp delta in 9 bytes
      ...paddedVarint(1, 5),
      ...lengthBytes,
      ...Buffer.from('k'),
      ...varint(-1),
      ...paddedVarint(0, 3),
    ];
    await expectSameAsKafkajs({ records: [record({ body: body(paddedVarint(1, 2)) })] });
    await expectSameAsKafkajs({ records: [record({ body: body(paddedVarint(1, 6)) })] });
  });

  it('gives what kafkajs gives (or throws what it throws) for malformed records', async () => {
    const good = record({ headers: sluiceHeaders });
    const cases: BatchSpec[] = [
      { records: [good, record({ trailing: [1, 2, 3] }), good] },
      { records: [good, record({ length: 5 }), good] },
      { records: [record({ length: 0 }), good] },
      { records: [record({ length: -1 }), good] },
      { records: [record({ length: 10_000 })] },
      { records: [record({ body: [0, 0, 0, ...varint(-5), 1, 2, 3, 4, 5, 6, 7] })] },
      { records: [record({ body: [0, 0, 0, ...varint(1), 7, ...varint(1), 8, ...varint(-2)] })] },
      { records: [record({ body: [0, 0, 0, ...varint(1), 7, ...varint(1), 8, ...varint(-1)] })] },
      {
        records: [record({ body: [0, 0, 0, ...varint(1), 7, ...varint(1), 8, ...varint(1), ...varint(-3)] })],
      },
      {
        records: [record({ body: [0, 0, 0, ...varint(1), 7, ...varint(1), 8, ...varint(2), ...varint(1)] })],
      },
      { records: [good, good], count: 3 },
      { records: [good], count: -1 },
      { records: [good], count: -2 },
      { records: [good, good, good], truncateTo: 120 },
    ];
    for (const c of cases) await expectSameAsKafkajs(c);
  });

  it('gives what kafkajs gives for control and transactional batches', async () => {
    const marker = record({ key: Buffer.from([0, 0, 0, 0]), value: Buffer.from([0, 0, 0, 0, 0, 1]) });
    await expectSameAsKafkajs({ attributes: 0x20 | 0x10, records: [marker] });
    await expectSameAsKafkajs({ attributes: 0x10, records: [good(0), good(1)] });
  });

  it('leaves compressed batches to kafkajs', async () => {
    const inner = Buffer.from([
      ...record({ headers: sluiceHeaders }),
      ...record({ offsetDelta: 1, key: null }),
    ]);
    const decoded = await expectSameAsKafkajs({
      attributes: 1,
      records: [[], []],
      recordsBytes: gzipSync(inner),
    });
    expect(JSON.stringify(decoded)).toContain('x-sluice-id');
  });

  it('decodes many records the same, with what a fetch of Sluice messages looks like', async () => {
    const records = Array.from({ length: 2_000 }, (_, i) =>
      record({
        offsetDelta: i,
        timestampDelta: i * 3,
        key: `/var/log/${i % 3}.log`,
        value: `line ${i} ${'ü'.repeat(i % 50)}`,
        headers: sluiceHeaders.map(([k, v]) => [k, `${v}${i}`] as [string, string]),
      }),
    );
    await expectSameAsKafkajs({ firstOffset: 123_456_789n, records });
  });
});

function good(offsetDelta: number): number[] {
  return record({ offsetDelta, headers: sluiceHeaders });
}

describe('kafkajs as patched: a fetched batch keeps the messages at or after the fetched offset', () => {
  it('filters as the Long comparison does, for numbers, strings and offsets past 2^53', () => {
    const offsets = [
      '0',
      '1',
      '9',
      '10',
      '11',
      '99',
      '100',
      '9007199254740991',
      '9007199254740992',
      '9007199254740993',
      '18446744073709551615',
      '-1',
    ];
    const fetched: unknown[] = [
      0,
      10,
      '10',
      '0',
      '-1',
      '9007199254740992',
      '9007199254740993',
      2 ** 53 - 1,
      '010',
      ' 10',
      '1e1',
    ];
    for (const f of fetched) {
      const messages = offsets.map((offset) => ({ offset, isControlRecord: false, batchContext: {} }));
      let expected: string[] | string;
      try {
        const base = Long.fromValue(f);
        expected = offsets.filter((o) => Long.fromValue(o).gte(base));
      } catch (e) {
        expected = `threw ${(e as Error).name}`;
      }
      let got: string[] | string;
      try {
        got = new Batch('t', f, { partition: 0, highWatermark: '1000', messages }).messagesWithinOffset.map(
          (m) => m.offset,
        );
      } catch (e) {
        got = `threw ${(e as Error).name}`;
      }
      expect(got, String(f)).toEqual(expected);
    }
  });
});
