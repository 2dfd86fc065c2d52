/**
 * Key names around a list. The main list keeps the user's name (Filebeat and Logstash
 * write to it); Sluice's bookkeeping sits beside it under `<list>:sluice:`:
 *
 * - `consumers`: set of consumer ids that may hold records;
 * - `alive:<id>`: heartbeat key with a TTL;
 * - `batches:<id>`: set of that consumer's batch lists;
 * - `processing:<id>:<seq>`: one list per batch in flight, so acknowledging a batch is one
 *   DEL instead of an LREM per record scanning every record in flight.
 */
export interface RedisKeys {
  readonly main: string;
  readonly consumers: string;
  readonly reclaimLock: string;
  heartbeat(consumerId: string): string;
  batches(consumerId: string): string;
  batch(consumerId: string, seq: number): string;
}

export function redisKeys(list: string): RedisKeys {
  const base = `${list}:sluice:`;
  return {
    main: list,
    consumers: `${base}consumers`,
    reclaimLock: `${base}reclaim-lock`,
    heartbeat: (id) => `${base}alive:${id}`,
    batches: (id) => `${base}batches:${id}`,
    batch: (id, seq) => `${base}processing:${id}:${seq}`,
  };
}
