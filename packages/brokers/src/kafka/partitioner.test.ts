import { type Message, Partitioners, type PartitionMetadata } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { cachedKeyPartitioner } from './partitioner.js';

function metadata(n: number): PartitionMetadata[] {
  return Array.from({ length: n }, (_, i) => ({
    partitionId: i,
    leader: 0,
    replicas: [0],
    isr: [0],
    offlineReplicas: [],
    partitionErrorCode: 0,
  }));
}

describe('cachedKeyPartitioner', () => {
  it('picks the partition kafkajs picks, for every key and partition count, cached or not', () => {
    const cached = cachedKeyPartitioner();
    const plain = Partitioners.DefaultPartitioner();
    for (const n of [1, 3, 7, 3]) {
      const partitionMetadata = metadata(n);
      for (let round = 0; round < 2; round++) {
        for (let i = 0; i < 200; i++) {
          const message: Message = { key: `/var/log/app-${i}.log`, value: 'x' };
          const args = { topic: 't', partitionMetadata, message };
          expect(cached(args), `${message.key} over ${n}`).toBe(plain(args));
        }
      }
    }
  });

  it('leaves an explicit partition and a Buffer key to kafkajs', () => {
    const cached = cachedKeyPartitioner();
    const partitionMetadata = metadata(5);
    expect(cached({ topic: 't', partitionMetadata, message: { key: 'a', value: 'x', partition: 4 } })).toBe(
      4,
    );
    const buffer: Message = { key: Buffer.from('/var/log/b.log'), value: 'x' };
    expect(cached({ topic: 't', partitionMetadata, message: buffer })).toBe(
      Partitioners.DefaultPartitioner()({ topic: 't', partitionMetadata, message: buffer }),
    );
  });
});
