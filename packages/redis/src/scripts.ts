import { ORDER_MEMBER_ID_START, type OrganizationKeys } from './keys.js';
import type { RedisClient } from './options.js';

// Each script touches only the keys passed in KEYS, all on one slot (one organization's hash tag,
// or one lookup key), so it runs on a Cluster and honours the client's own keyPrefix option.
// Hash fields: `r:<id>` holds the record JSON and `u:<id>` its lastUsedAt (see keys.ts).

/** KEYS records, names, order. ARGV id, nameKey, json, orderMember, lastUsedAt or ''. → 1 ok, 0 name taken, -1 id taken. */
const CLAIM = `
if redis.call('HEXISTS', KEYS[2], ARGV[2]) == 1 then return 0 end
if redis.call('HEXISTS', KEYS[1], 'r:' .. ARGV[1]) == 1 then return -1 end
redis.call('HSET', KEYS[2], ARGV[2], ARGV[1])
redis.call('HSET', KEYS[1], 'r:' .. ARGV[1], ARGV[3])
if ARGV[5] ~= '' then redis.call('HSET', KEYS[1], 'u:' .. ARGV[1], ARGV[5]) end
redis.call('ZADD', KEYS[3], 0, ARGV[4])
return 1
`;

/**
 * KEYS lookup keys (one slot on a Cluster). ARGV channel, message.
 * → for each key, the record JSON it held if this call removed it, else false.
 * Deletes and announces in one atomic step: Redis cannot apply the deletion without publishing
 * the invalidation, even if the reply to the caller is lost. PUBLISH (not SPUBLISH): on a Cluster
 * it reaches subscribers on every node, from a script on any slot.
 */
const UNPUBLISH = `
local removed = {}
for i = 1, #KEYS do
  local json = redis.call('HGET', KEYS[i], 'r')
  if json then redis.call('DEL', KEYS[i]) end
  removed[i] = json
end
redis.call('PUBLISH', ARGV[1], ARGV[2])
return removed
`;

/**
 * KEYS records, names, order, gone, goneAt. ARGV now, forgetBefore, then quadruples id, nameKey,
 * orderMember, hash. → the ids this call removed.
 * Removes what is still there: a concurrent delete of the same token is not an error, and the
 * one whose script removed the record is the one that reports it (exactly one per token).
 * The name is freed only if it still points at this id. Each removed id is remembered in `gone`
 * with its hash (entries older than forgetBefore are trimmed, at most 100 per call, and both keys
 * expire that long after the last deletion), so a lookup key that a failover brought back can
 * still be deleted by id.
 */
const UNLIST = `
local removed = {}
for i = 3, #ARGV, 4 do
  local id = ARGV[i]
  if redis.call('HDEL', KEYS[1], 'r:' .. id) == 1 then
    removed[#removed + 1] = id
    redis.call('HSET', KEYS[4], id, ARGV[i + 3])
    redis.call('ZADD', KEYS[5], ARGV[1], id)
  end
  redis.call('HDEL', KEYS[1], 'u:' .. id)
  if redis.call('HGET', KEYS[2], ARGV[i + 1]) == id then redis.call('HDEL', KEYS[2], ARGV[i + 1]) end
  redis.call('ZREM', KEYS[3], ARGV[i + 2])
end
local old = redis.call('ZRANGEBYSCORE', KEYS[5], '-inf', '(' .. ARGV[2], 'LIMIT', 0, 100)
if #old > 0 then
  redis.call('HDEL', KEYS[4], unpack(old))
  redis.call('ZREM', KEYS[5], unpack(old))
end
if #removed > 0 then
  local ttl = tonumber(ARGV[1]) - tonumber(ARGV[2])
  redis.call('PEXPIRE', KEYS[4], ttl)
  redis.call('PEXPIRE', KEYS[5], ttl)
end
return removed
`;

/**
 * KEYS order, records. ARGV max (ZREVRANGEBYLEX bound), limit, id start in a member.
 * → { members found (up to limit + 1), then member, json, lastUsedAt for each of the first limit }.
 * One script so a page never mixes two states of the organization.
 */
const LIST = `
local limit = tonumber(ARGV[2])
local members = redis.call('ZREVRANGEBYLEX', KEYS[1], ARGV[1], '-', 'LIMIT', 0, limit + 1)
local start = tonumber(ARGV[3])
local out = { #members }
for i = 1, math.min(limit, #members) do
  local id = string.sub(members[i], start)
  local fields = redis.call('HMGET', KEYS[2], 'r:' .. id, 'u:' .. id)
  out[#out + 1] = members[i]
  out[#out + 1] = fields[1]
  out[#out + 1] = fields[2]
end
return out
`;

/**
 * KEYS records. ARGV pairs id, lastUsedAt. → record JSON of each id that exists (so the caller
 * can find its lookup key). Monotonic; ids that no longer exist are skipped, never recreated.
 */
const TOUCH_ORGANIZATION = `
local found = {}
for i = 1, #ARGV, 2 do
  local json = redis.call('HGET', KEYS[1], 'r:' .. ARGV[i])
  if json then
    local current = redis.call('HGET', KEYS[1], 'u:' .. ARGV[i])
    if not current or tonumber(current) < tonumber(ARGV[i + 1]) then
      redis.call('HSET', KEYS[1], 'u:' .. ARGV[i], ARGV[i + 1])
    end
    found[#found + 1] = json
  end
end
return found
`;

/** KEYS lookup key. ARGV lastUsedAt. Monotonic, and a deleted lookup key stays deleted. */
const TOUCH_LOOKUP = `
if redis.call('HEXISTS', KEYS[1], 'r') == 0 then return 0 end
local current = redis.call('HGET', KEYS[1], 'u')
if current and tonumber(current) >= tonumber(ARGV[1]) then return 0 end
redis.call('HSET', KEYS[1], 'u', ARGV[1])
return 1
`;

const DEFINITIONS = {
  claim: { numberOfKeys: 3, lua: CLAIM },
  unpublish: { lua: UNPUBLISH },
  unlist: { numberOfKeys: 5, lua: UNLIST },
  list: { numberOfKeys: 2, lua: LIST },
  touchOrganization: { numberOfKeys: 1, lua: TOUCH_ORGANIZATION },
  touchLookup: { numberOfKeys: 1, lua: TOUCH_LOOKUP },
} as const;

// Versioned names: two keyward versions sharing one client each keep their own scripts.
const commandName = (name: string): string => `keywardV1${name[0]!.toUpperCase()}${name.slice(1)}`;

export interface Scripts {
  claim(keys: OrganizationKeys, id: string, nameKey: string, json: string, member: string, lastUsedAt: string): Promise<number>;
  unpublish(lookupKeys: readonly string[], channel: string, message: string): Promise<Array<string | null>>;
  unlist(keys: OrganizationKeys, now: number, forgetBefore: number, quadruples: readonly string[]): Promise<string[]>;
  list(keys: OrganizationKeys, max: string, limit: number): Promise<Array<string | number | null>>;
  touchOrganization(records: string, pairs: readonly string[]): Promise<string[]>;
  touchLookup(lookupKey: string, lastUsedAt: string): Promise<number>;
}

type Command = (...args: Array<string | number>) => Promise<unknown>;

/**
 * Registers keyward's Lua scripts on `client` (as `keywardV1…` commands) and returns typed callers.
 * ioredis sends each script with EVAL once per connection and EVALSHA after, and resends it on
 * NOSCRIPT, so scripts keep working after a server restart or failover.
 * @example const scripts = defineScripts(client); await scripts.touchLookup(key, '1700000000000');
 */
export function defineScripts(client: RedisClient): Scripts {
  for (const [name, definition] of Object.entries(DEFINITIONS)) client.defineCommand(commandName(name), definition);
  const commands = client as unknown as Record<string, Command>;
  const call = <T>(name: keyof typeof DEFINITIONS, ...args: Array<string | number>): Promise<T> =>
    commands[commandName(name)]!.call(client, ...args) as Promise<T>;
  return {
    claim: (k, id, nameKey, json, member, lastUsedAt) => call('claim', k.records, k.names, k.order, id, nameKey, json, member, lastUsedAt),
    unpublish: (lookupKeys, channel, message) => call('unpublish', lookupKeys.length, ...lookupKeys, channel, message),
    unlist: (k, now, forgetBefore, quadruples) => call('unlist', k.records, k.names, k.order, k.gone, k.goneAt, now, forgetBefore, ...quadruples),
    list: (k, max, limit) => call('list', k.order, k.records, max, limit, ORDER_MEMBER_ID_START),
    touchOrganization: (records, pairs) => call('touchOrganization', records, ...pairs),
    touchLookup: (lookupKey, lastUsedAt) => call('touchLookup', lookupKey, lastUsedAt),
  };
}
