/**
 * Key names around a list. The main list keeps the user's name (Filebeat and Logstash
 * write to it); Sluice's bookkeeping sits beside it under `<list>:sluice:`.
 */
export interface RedisKeys {
  readonly main: string;
  readonly consumers: string;
  readonly reclaimLock: string;
  readonly processingPrefix: string;
  readonly heartbeatPrefix: string;
  processing(consumerId: string): string;
  heartbeat(consumerId: string): string;
}

export function redisKeys(list: string): RedisKeys {
  const processingPrefix = `${list}:sluice:processing:`;
  const heartbeatPrefix = `${list}:sluice:alive:`;
  return {
    main: list,
    consumers: `${list}:sluice:consumers`,
    reclaimLock: `${list}:sluice:reclaim-lock`,
    processingPrefix,
    heartbeatPrefix,
    processing: (id) => processingPrefix + id,
    heartbeat: (id) => heartbeatPrefix + id,
  };
}
