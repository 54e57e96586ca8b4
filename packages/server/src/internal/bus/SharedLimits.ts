/**
 * Limits that hold for the whole deployment, kept in Redis by small Lua scripts (atomic, on Redis'
 * own clock): connections per log, as one count per process in a hash per log, where only the
 * processes that renewed their heartbeat lately count (a SIGKILLed process's connections stop
 * counting after `INSTANCE_TTL_MS`), and the per-address connection rate as a token bucket that
 * expires a minute after its last use. The relay asks these only while Redis is up; while it is
 * down each process applies its own per-process limits.
 */
import { createHash } from "node:crypto"

/** A process whose heartbeat is older than this no longer counts (it renews every third of it). */
export const INSTANCE_TTL_MS = 15_000

const NOW = "local t = redis.call('TIME') local now = t[1] * 1000 + math.floor(t[2] / 1000)"

/**
 * KEYS: connections hash of the log, instances zset. ARGV: instance, its count with the new
 * connection, the limit, the ttl. Sums the live processes' counts (dropping dead ones); sets ours
 * and returns 1 when the sum with the new connection is within the limit, else 0.
 */
export const ADMIT_CONNECTION = `${NOW}
local alive = now - tonumber(ARGV[4])
local fields = redis.call('HGETALL', KEYS[1])
local others = 0
for i = 1, #fields, 2 do
  local instance = fields[i]
  if instance ~= ARGV[1] then
    local seen = redis.call('ZSCORE', KEYS[2], instance)
    if (not seen) or tonumber(seen) < alive then
      redis.call('HDEL', KEYS[1], instance)
    else
      others = others + tonumber(fields[i + 1])
    end
  end
end
if others + tonumber(ARGV[2]) > tonumber(ARGV[3]) then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('PEXPIRE', KEYS[1], 86400000)
return 1`

/** KEYS: connections hash. ARGV: instance, its count now (0 removes it). */
export const SET_CONNECTIONS = `if tonumber(ARGV[2]) <= 0 then
  redis.call('HDEL', KEYS[1], ARGV[1])
else
  redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
  redis.call('PEXPIRE', KEYS[1], 86400000)
end
return 1`

/** KEYS: instances zset. ARGV: instance, ttl. Renews our heartbeat and forgets long-dead processes. */
export const HEARTBEAT = `${NOW}
redis.call('ZADD', KEYS[1], now, ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - 10 * tonumber(ARGV[2]))
return 1`

/**
 * KEYS: the address's bucket. ARGV: allowance per minute. A token bucket with a minute's allowance
 * as the burst, refilled evenly, like the per-process one; 1 when a token was taken.
 */
export const TAKE_RATE = `${NOW}
local per = tonumber(ARGV[1])
local bucket = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(bucket[1]) or per
local at = tonumber(bucket[2]) or now
tokens = math.min(per, tokens + (now - at) * per / 60000)
local taken = 0
if tokens >= 1 then
  tokens = tokens - 1
  taken = 1
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(now))
redis.call('PEXPIRE', KEYS[1], 60000)
return taken`

/** Redis keys of the shared limits. Addresses are hashed: Redis keeps no client address in clear. */
export const limitKeys = (prefix: string) => ({
  connections: (logId: string) => `${prefix}:conns:${logId}`,
  instances: `${prefix}:instances`,
  rate: (address: string) =>
    `${prefix}:rate:${createHash("sha256").update(address).digest("base64url").slice(0, 22)}`
})
