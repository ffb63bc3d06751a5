// The Lua scripts the Redis counters run, each one round trip (EVALSHA; EVAL once when Redis does
// not know it yet, after a restart), each atomic. Time is Redis's own (TIME), so that processes on
// machines whose clocks differ count one window. Needs Redis 6 or later (scripts replicated by effects).
import crypto from 'node:crypto';
import type { RedisClient } from '../bus/redisClient.js';

export interface Script {
  readonly source: string;
  readonly sha: string;
}

const script = (source: string): Script => ({ source, sha: crypto.createHash('sha1').update(source).digest('hex') });

const NOW = `local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
`;

/**
 * Sliding windows, all or none. KEYS: one sorted set per window and key, its hits scored by their
 * time. ARGV: the hit's member (unique), then each key's limit and window (ms). Hits that left the
 * window go first; a key at its limit refuses with {its number, ms until its oldest counted hit
 * leaves}; else the hit goes in every set, each set expiring a window after its newest hit.
 * Returns {0, now} when counted.
 */
export const TAKE = script(`${NOW}
for i, key in ipairs(KEYS) do
  local limit = tonumber(ARGV[i * 2])
  local window = tonumber(ARGV[i * 2 + 1])
  redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
  if redis.call('ZCARD', key) >= limit then
    local oldest = redis.call('ZRANGE', key, -limit, -limit, 'WITHSCORES')
    return {i, tonumber(oldest[2]) + window - now}
  end
end
for i, key in ipairs(KEYS) do
  redis.call('ZADD', key, now, ARGV[1])
  redis.call('PEXPIRE', key, tonumber(ARGV[i * 2 + 1]))
end
return {0, now}
`);

/**
 * One more open connection under a field, unless the site is at its cap. KEYS: the processes'
 * sorted set (scored by when each stops counting), this process's hash (field → its open count).
 * ARGV: this process's tag, the field, the cap, the time to live (ms), the name of a process's hash
 * without its tag. Counts the field in every process still counting; returns 1 when admitted, 0 not.
 */
export const ADMIT = script(`${NOW}
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
local open = tonumber(redis.call('HGET', KEYS[2], ARGV[2]) or '0')
for _, tag in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do
  if tag ~= ARGV[1] then open = open + tonumber(redis.call('HGET', ARGV[5] .. tag, ARGV[2]) or '0') end
end
if open >= tonumber(ARGV[3]) then return 0 end
local ttl = tonumber(ARGV[4])
redis.call('HINCRBY', KEYS[2], ARGV[2], 1)
redis.call('PEXPIRE', KEYS[2], ttl)
redis.call('ZADD', KEYS[1], now + ttl, ARGV[1])
redis.call('PEXPIRE', KEYS[1], ttl)
return 1
`);

/** One open connection fewer. KEYS: this process's hash. ARGV: the field. */
export const RELEASE = script(`local left = redis.call('HINCRBY', KEYS[1], ARGV[1], -1)
if left <= 0 then redis.call('HDEL', KEYS[1], ARGV[1]) end
return left
`);

/**
 * What this process holds open, said again in full (which also keeps it alive): KEYS as ADMIT's;
 * ARGV: the tag, the time to live, then field and count pairs. With none, the process is gone
 * from both. Mends whatever drifted (a release lost in an outage, a Redis that restarted empty).
 */
export const RESTATE = script(`${NOW}
redis.call('DEL', KEYS[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if #ARGV < 3 then
  redis.call('ZREM', KEYS[1], ARGV[1])
  return 0
end
local ttl = tonumber(ARGV[2])
for i = 3, #ARGV, 2 do redis.call('HSET', KEYS[2], ARGV[i], ARGV[i + 1]) end
redis.call('PEXPIRE', KEYS[2], ttl)
redis.call('ZADD', KEYS[1], now + ttl, ARGV[1])
redis.call('PEXPIRE', KEYS[1], ttl)
return 1
`);

/** How long a command may take before this process counts on its own (Redis is then taken for away). */
export const COMMAND_TIMEOUT_MS = 500;

/** Runs a script by its SHA1, sending its source only when Redis does not have it (a restarted Redis). */
export async function run(client: RedisClient, { source, sha }: Script, keys: readonly string[], args: readonly string[]): Promise<unknown> {
  const options = { timeout: COMMAND_TIMEOUT_MS, rejectInFlight: true };
  const tail = [String(keys.length), ...keys, ...args];
  try {
    return await client.sendCommand(['EVALSHA', sha, ...tail], options);
  } catch (error) {
    if (!(error instanceof Error && error.message.startsWith('NOSCRIPT'))) throw error;
    return client.sendCommand(['EVAL', source, ...tail], options);
  }
}
