/**
 * Lua scripts for the reliable-queue pattern. Each runs atomically, so a record is
 * always in exactly one of: the main list, one consumer's processing list, the dead-letter
 * list, or acknowledged (gone). The main list's head (LEFT) is the oldest record:
 * producers (ours, Filebeat's and Logstash's) RPUSH.
 *
 * These scripts touch keys derived inside the script (processing lists of other
 * consumers), which standalone and Sentinel Redis allow; Redis Cluster is not supported.
 */

/** KEYS: main, processing. ARGV: max. Moves up to `max` from the head of main to the tail of processing. */
export const TAKE = `
local out = {}
for i = 1, tonumber(ARGV[1]) do
  local v = redis.call('LMOVE', KEYS[1], KEYS[2], 'LEFT', 'RIGHT')
  if not v then break end
  out[#out + 1] = v
end
return out`;

/** KEYS: processing. ARGV: elements. Removes one occurrence of each; returns how many were there. */
export const ACK = `
local n = 0
for i = 1, #ARGV do
  n = n + redis.call('LREM', KEYS[1], 1, ARGV[i])
end
return n`;

/**
 * KEYS: processing, main. ARGV: elements in delivery order. Puts back at the head of
 * main, in their original order, only those still in processing: if a reclaimer already
 * returned them, pushing again would duplicate them.
 */
export const GIVE_BACK = `
local n = 0
for i = #ARGV, 1, -1 do
  if redis.call('LREM', KEYS[1], 1, ARGV[i]) == 1 then
    redis.call('LPUSH', KEYS[2], ARGV[i])
    n = n + 1
  end
end
return n`;

/** KEYS: processing, dead-letter. ARGV: elements. Moves each from processing to the dead-letter tail. */
export const DEAD_LETTER = `
local n = 0
for i = 1, #ARGV do
  if redis.call('LREM', KEYS[1], 1, ARGV[i]) == 1 then
    redis.call('RPUSH', KEYS[2], ARGV[i])
    n = n + 1
  end
end
return n`;

/**
 * KEYS: heartbeat, processing, main, consumers. ARGV: consumer id. If the consumer's
 * heartbeat has expired, returns its whole processing list to the head of main (order
 * kept) and forgets the consumer. Returns the count moved, or -1 if it is alive.
 */
export const RECLAIM = `
if redis.call('EXISTS', KEYS[1]) == 1 then return -1 end
local n = 0
while redis.call('LMOVE', KEYS[2], KEYS[3], 'RIGHT', 'LEFT') do n = n + 1 end
redis.call('SREM', KEYS[4], ARGV[1])
return n`;

/**
 * KEYS: processing, main. ARGV: the elements this consumer tracks as in flight.
 * Returns to main every element of processing that is not tracked: a BLMOVE whose
 * reply was lost in a disconnect leaves such orphans, which no reclaimer would find
 * while this consumer keeps its heartbeat.
 */
export const RECOVER_ORPHANS = `
local tracked = {}
for i = 1, #ARGV do tracked[ARGV[i]] = (tracked[ARGV[i]] or 0) + 1 end
local items = redis.call('LRANGE', KEYS[1], 0, -1)
local orphans = {}
for i = 1, #items do
  local v = items[i]
  if (tracked[v] or 0) > 0 then tracked[v] = tracked[v] - 1 else orphans[#orphans + 1] = v end
end
for i = #orphans, 1, -1 do
  redis.call('LREM', KEYS[1], 1, orphans[i])
  redis.call('LPUSH', KEYS[2], orphans[i])
end
return #orphans`;

/** KEYS: main, consumers. ARGV: processing-key prefix. Lag = main + every processing list, read atomically. */
export const LAG = `
local n = redis.call('LLEN', KEYS[1])
local ids = redis.call('SMEMBERS', KEYS[2])
for i = 1, #ids do n = n + redis.call('LLEN', ARGV[1] .. ids[i]) end
return n`;
