import type { Redis } from './ioredis.js';

/**
 * Lua scripts for the reliable-queue pattern. Each runs atomically, so a record is always
 * in exactly one of: the main list, one batch list of one consumer (registered in that
 * consumer's `batches` set BEFORE anything is moved into it), the dead-letter list, or
 * acknowledged (gone). The main list's head (LEFT) is the oldest record: producers (ours,
 * Filebeat's and Logstash's) RPUSH.
 *
 * Scripts that follow the sets touch keys not passed in KEYS, which standalone and
 * Sentinel Redis allow; Redis Cluster is not supported.
 */

/** KEYS: main, batch list, batches set. ARGV: max. Registers the batch list, moves up to `max` records into it. */
export const TAKE = `
redis.call('SADD', KEYS[3], KEYS[2])
local out = {}
for i = 1, tonumber(ARGV[1]) do
  local v = redis.call('LMOVE', KEYS[1], KEYS[2], 'LEFT', 'RIGHT')
  if not v then break end
  out[#out + 1] = v
end
return out`;

/**
 * TAKE for raw batches: the same moves, returning the elements' bytes back to back and
 * their byte lengths (little-endian uint32 each, Redis's built-in struct library): the
 * consumer receives two strings per batch instead of one per element.
 */
export const TAKE_PACKED = `
redis.call('SADD', KEYS[3], KEYS[2])
local out = {}
local lengths = {}
for i = 1, tonumber(ARGV[1]) do
  local v = redis.call('LMOVE', KEYS[1], KEYS[2], 'LEFT', 'RIGHT')
  if not v then break end
  out[#out + 1] = v
  lengths[#lengths + 1] = struct.pack('<I4', #v)
end
return {table.concat(out), table.concat(lengths)}`;

/** KEYS: batch list, batches set. Acknowledges a batch: returns how many records it still held. */
export const ACK = `
local n = redis.call('LLEN', KEYS[1])
redis.call('DEL', KEYS[1])
redis.call('SREM', KEYS[2], KEYS[1])
return n`;

/**
 * KEYS: batch list, batches set, main. Puts a batch back at the head of main in its
 * original order. A batch a reclaimer already returned no longer exists: nothing moves twice.
 */
export const GIVE_BACK = `
local n = 0
while redis.call('LMOVE', KEYS[1], KEYS[3], 'RIGHT', 'LEFT') do n = n + 1 end
redis.call('SREM', KEYS[2], KEYS[1])
return n`;

/** KEYS: batch list, dead-letter list. ARGV: elements. Moves each from the batch to the dead-letter tail. */
export const DEAD_LETTER = `
local n = 0
for i = 1, #ARGV do
  if redis.call('LREM', KEYS[1], 1, ARGV[i]) == 1 then
    redis.call('RPUSH', KEYS[2], ARGV[i])
    n = n + 1
  end
end
return n`;

// Lua: batch lists of a set, minus those in `keep`, newest first (keys end in `:<seq>`), so
// that pushing each back to the head of main leaves the oldest record at the head.
const RETURN_ALL = `
local function return_batches(set, main, keep)
  local keys = redis.call('SMEMBERS', set)
  local list = {}
  for i = 1, #keys do if not keep[keys[i]] then list[#list + 1] = keys[i] end end
  table.sort(list, function(a, b) return tonumber(string.match(a, ':(%d+)$')) > tonumber(string.match(b, ':(%d+)$')) end)
  local n = 0
  for i = 1, #list do
    while redis.call('LMOVE', list[i], main, 'RIGHT', 'LEFT') do n = n + 1 end
    redis.call('SREM', set, list[i])
  end
  return n
end`;

/**
 * KEYS: batches set, main. ARGV: batch lists still tracked in flight. Returns every other
 * batch list of this consumer to main: at start-up (a previous incarnation's), at close,
 * and after a reconnect, when a BLMOVE whose reply was lost may have left a record in a
 * batch list this process does not know it holds (no reclaimer would find it while this
 * consumer keeps its heartbeat).
 */
export const RECOVER = `${RETURN_ALL}
local keep = {}
for i = 1, #ARGV do keep[ARGV[i]] = true end
return return_batches(KEYS[1], KEYS[2], keep)`;

/**
 * KEYS: heartbeat, batches set, main, consumers. ARGV: consumer id. If the consumer's
 * heartbeat has expired, returns all its batches to main and forgets the consumer.
 * Returns the count moved, or -1 if it is alive.
 */
export const RECLAIM = `${RETURN_ALL}
if redis.call('EXISTS', KEYS[1]) == 1 then return -1 end
local n = return_batches(KEYS[2], KEYS[3], {})
redis.call('SREM', KEYS[4], ARGV[1])
return n`;

/** KEYS: main, consumers. ARGV: batches-set prefix. Lag = main + every batch list, read atomically. */
export const LAG = `
local n = redis.call('LLEN', KEYS[1])
local ids = redis.call('SMEMBERS', KEYS[2])
for i = 1, #ids do
  local keys = redis.call('SMEMBERS', ARGV[1] .. ids[i])
  for j = 1, #keys do n = n + redis.call('LLEN', keys[j]) end
end
return n`;

/** A script run with its keys and arguments; resolves to its reply. */
export type Script = (
  keys: readonly string[],
  args: readonly (string | number | Buffer)[],
) => Promise<unknown>;

type ScriptCommand = (numberOfKeys: number, ...keysAndArgs: (string | number | Buffer)[]) => Promise<unknown>;

/**
 * `lua` as a command of `client` (ioredis defineCommand): sent as EVALSHA, so each call
 * carries the script's 40-character digest instead of its text, which neither side then
 * writes, reads or hashes again. ioredis sends the full EVAL once per connection (the
 * first call on each new socket, so after every reconnect) and again after a NOSCRIPT
 * reply (a restarted Redis, SCRIPT FLUSH): Redis answers NOSCRIPT without running
 * anything, so the resend cannot apply a script twice. `bytes`: replies as Buffers.
 */
export function scriptCommand(
  client: Redis,
  name: string,
  lua: string,
  replies: 'text' | 'bytes' = 'text',
): Script {
  client.defineCommand(name, { lua });
  const commands = client as unknown as Record<string, ScriptCommand>;
  const command = commands[replies === 'bytes' ? `${name}Buffer` : name] as ScriptCommand;
  return (keys, args) => command.call(client, keys.length, ...keys, ...args);
}
