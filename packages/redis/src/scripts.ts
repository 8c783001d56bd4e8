import { ORDER_MEMBER_ID_START, type OrganizationKeys } from './keys.js';
import type { RedisClient } from './options.js';

// Each script touches only the keys passed in KEYS, all on one slot (one organization's hash tag,
// or one lookup key), so it runs on a Cluster and honours the client's own keyPrefix option.
// Hash fields: `r:<id>` holds the record JSON (the listing's form, codec.ts) and `u:<id>` its lastUsedAt (see keys.ts).

// The hashes of a record JSON, without decoding it: cjson refuses some JSON that JavaScript writes
// (a lone surrogate escape in a name or in metadata), and a token that cannot be deleted is worse
// than any other failure. Schemas 3 and 4 write an array (codec.ts): the current hash is its first
// element and the previous secret its last, `[hash, hint, expiresAt]` or null, so the pattern is
// anchored at the end, where metadata (an object, second to last) cannot reach. Schemas 1 and 2
// wrote an object whose first "hash" key is the record's own (name and scope come before it, and a
// quote inside a string is always escaped) and whose last key is "previous".
const RECORD_HASHES = `
local function recordHashes(json)
  if string.sub(json, 1, 1) == '[' then
    local current = string.match(json, '^%["([^"\\\\]*)"')
    local previous = string.match(json, ',%["([^"\\\\]*)","[^"\\\\]*",%-?%d+%]%]$')
    return current, previous
  end
  local current = string.match(json, '"hash":"([^"\\\\]*)"')
  local previous = string.match(json, '"previous":{"hash":"([^"\\\\]*)","hint":"[^"\\\\]*","expiresAt":%-?%d+}}$')
  return current, previous
end
`;

// A lookup key's record JSON in pieces of at most 64 bytes (`r`, `r1`, `r2`, `r3`), cut between
// UTF-8 characters, so the lookup hash stays a listpack (Redis's compact encoding, used while
// every value fits hash-max-listpack-value, 64 bytes by default): 447 B per lookup key became
// about 310 (the bench row of server memory per token). A record longer than four pieces (a
// large metadata object) is kept whole in `r`. findByHash reads them in its one HMGET.
const LOOKUP_JSON = `
local PIECES = { 'r', 'r1', 'r2', 'r3' }
local function pieces(json)
  local out = {}
  local i = 1
  while i <= #json do
    local j = math.min(i + 63, #json)
    while j < #json and string.byte(json, j + 1) >= 128 and string.byte(json, j + 1) < 192 do j = j - 1 end
    out[#out + 1] = string.sub(json, i, j)
    i = j + 1
  end
  if #out > #PIECES then return { json } end
  return out
end
local function writeJson(key, json)
  local parts = pieces(json)
  local gone = {}
  for n = 1, #PIECES do
    if parts[n] then redis.call('HSET', key, PIECES[n], parts[n]) else gone[#gone + 1] = PIECES[n] end
  end
  if #gone > 0 then redis.call('HDEL', key, unpack(gone)) end
end
local function readJson(key)
  local parts = redis.call('HMGET', key, 'r', 'r1', 'r2', 'r3')
  if not parts[1] then return false end
  return parts[1] .. (parts[2] or '') .. (parts[3] or '') .. (parts[4] or '')
end
`;

// Contract v3's audit entry, written by the very script that makes the change it records (same
// slot: the organization's). The caller sends the draft as a JSON prefix (every field but the
// token's); the script completes it from the record it changes, so the name is the one stored
// just before the action (schema 3's and 4's records: the second element, after the hash, which holds no
// quote; earlier ones: the first "name" key). The name is copied still JSON-escaped, never decoded (cjson refuses some
// JSON that JavaScript writes). KEYS entries (hash), index (all entries), token index base (the
// token id is appended). ARGV prefix ('' for no entry), draft id, padded instant.
const AUDIT = `
local function rawName(json)
  local s, e
  if string.sub(json, 1, 1) == '[' then
    s, e = string.find(json, '","', 1, true)
  else
    s, e = string.find(json, '"name":"', 1, true)
  end
  if not s then return '' end
  local j = e + 1
  while true do
    local c = string.sub(json, j, j)
    if c == '\\\\' then j = j + 2 elseif c == '"' or c == '' then break else j = j + 1 end
  end
  return string.sub(json, e + 1, j - 1)
end
local function writeAudit(entries, index, tokenIndex, prefix, draftId, at, tokenId, json)
  if prefix == '' then return end
  local id = draftId .. ':' .. tokenId
  redis.call('HSET', entries, id, prefix .. ',"id":' .. cjson.encode(id) .. ',"tokenName":"' .. rawName(json) .. '","tokenId":' .. cjson.encode(tokenId) .. '}')
  local member = at .. ':' .. id
  redis.call('ZADD', index, 0, member)
  redis.call('ZADD', tokenIndex .. tokenId, 0, member)
end
`;

// The limits field (see limits-field.ts): '|'-separated slots, the first a write sequence.
const LIMITS = `
local function splitLimits(l)
  local t = {}
  for v in string.gmatch(l .. '|', '([^|]*)|') do t[#t + 1] = v end
  return t
end
local function fmt(n) return string.format('%.0f', n) end
`;

/**
 * KEYS records, names, order, audit entries, audit index, audit token index base. ARGV id, nameKey,
 * json, orderMember, lastUsedAt or '', limits or '', audit prefix, draft id, padded instant.
 * → 1 ok, 0 name taken, -1 id taken.
 */
const CLAIM = `${AUDIT}
if redis.call('HEXISTS', KEYS[2], ARGV[2]) == 1 then return 0 end
if redis.call('HEXISTS', KEYS[1], 'r:' .. ARGV[1]) == 1 then return -1 end
redis.call('HSET', KEYS[2], ARGV[2], ARGV[1])
redis.call('HSET', KEYS[1], 'r:' .. ARGV[1], ARGV[3])
if ARGV[5] ~= '' then redis.call('HSET', KEYS[1], 'u:' .. ARGV[1], ARGV[5]) end
if ARGV[6] ~= '' then redis.call('HSET', KEYS[1], 'l:' .. ARGV[1], ARGV[6]) end
redis.call('ZADD', KEYS[3], 0, ARGV[4])
writeAudit(KEYS[4], KEYS[5], KEYS[6], ARGV[7], ARGV[8], ARGV[9], ARGV[1], ARGV[3])
return 1
`;

/**
 * KEYS lookup keys (one slot on a Cluster). ARGV channel, message.
 * → for each key, the record JSON it held if this call removed it, else false.
 * Deletes and announces in one atomic step: Redis cannot apply the deletion without publishing
 * the invalidation, even if the reply to the caller is lost. PUBLISH (not SPUBLISH): on a Cluster
 * it reaches subscribers on every node, from a script on any slot.
 */
const UNPUBLISH = `${LOOKUP_JSON}
local removed = {}
for i = 1, #KEYS do
  local json = readJson(KEYS[i])
  if json then redis.call('DEL', KEYS[i]) end
  removed[i] = json
end
redis.call('PUBLISH', ARGV[1], ARGV[2])
return removed
`;

/**
 * KEYS records, names, order, gone, goneAt, audit entries, audit index, audit token index base.
 * ARGV now, forgetBefore, audit prefix, draft id, padded instant, then triples id, nameKey,
 * orderMember (one audit entry per id this call removed). → triples id, hashes (JSON array), record JSON of the ids this call removed.
 * Removes what is still there: a concurrent delete of the same token is not an error, and the
 * one whose script removed the record is the one that reports it (exactly one per token).
 * The hashes come from the record this script removed (current, previous and retired ones), not
 * from the caller's earlier read: a roll in between may have changed them, and the caller removes
 * any lookup key it did not know of. The name is freed only if it still points at this id; when a
 * rename changed the name key since the caller's read, the caller runs this again with the removed
 * record's (for an id already removed, it only frees the name). Each removed id
 * is remembered in `gone` with its hashes (entries older than forgetBefore are trimmed, at most
 * 100 per call, and both keys expire that long after the last deletion), so a lookup key that a
 * failover brought back can still be deleted by id.
 */
const UNLIST = `${RECORD_HASHES}${AUDIT}
local removed = {}
for i = 6, #ARGV, 3 do
  local id = ARGV[i]
  local json = redis.call('HGET', KEYS[1], 'r:' .. id)
  if json then
    local current, previous = recordHashes(json)
    local hashes = { current }
    if previous then hashes[#hashes + 1] = previous end
    local retired = redis.call('HGET', KEYS[1], 'k:' .. id)
    if retired then
      for _, hash in ipairs(cjson.decode(retired)) do hashes[#hashes + 1] = hash end
    end
    local encoded = cjson.encode(hashes)
    redis.call('HDEL', KEYS[1], 'r:' .. id)
    removed[#removed + 1] = id
    removed[#removed + 1] = encoded
    removed[#removed + 1] = json
    redis.call('HSET', KEYS[4], id, encoded)
    redis.call('ZADD', KEYS[5], ARGV[1], id)
    writeAudit(KEYS[6], KEYS[7], KEYS[8], ARGV[3], ARGV[4], ARGV[5], id, json)
  end
  redis.call('HDEL', KEYS[1], 'u:' .. id, 'l:' .. id, 'k:' .. id, 'w:' .. id, 'i:' .. id)
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
 * KEYS records, audit entries, audit index, audit token index base. ARGV id, expected record JSON,
 * new record JSON, new hash, hashes to retire (JSON array), current hash (kept once in `i:<id>`:
 * the hash the token's index entries carry), audit prefix, draft id, padded instant.
 * → { 1, retired hashes now (JSON array or '') } applied, { 0 } the record changed since the caller
 * read it (read again), { -1 } no such token.
 * The first step of a roll: the listing switches to the new secret before any lookup key changes,
 * and every hash that may still have a lookup key stays named in the record (current, previous,
 * or retired in `k:<id>`), so a deletion at any point removes them all. The new hash is also
 * noted in `w:<id>` until the roll confirms its lookup key: a concurrent roll that retires it
 * meanwhile must not forget it (its lookup key may be written after that roll removed it).
 */
const ROLL = `${AUDIT}
local json = redis.call('HGET', KEYS[1], 'r:' .. ARGV[1])
if not json then return { -1 } end
if json ~= ARGV[2] then return { 0 } end
redis.call('HSET', KEYS[1], 'r:' .. ARGV[1], ARGV[3])
writeAudit(KEYS[2], KEYS[3], KEYS[4], ARGV[7], ARGV[8], ARGV[9], ARGV[1], json)
redis.call('HSETNX', KEYS[1], 'i:' .. ARGV[1], ARGV[6])
local field = 'k:' .. ARGV[1]
local retired = redis.call('HGET', KEYS[1], field)
local added = cjson.decode(ARGV[5])
if #added > 0 then
  local list = retired and cjson.decode(retired) or {}
  for _, hash in ipairs(added) do list[#list + 1] = hash end
  retired = cjson.encode(list)
  redis.call('HSET', KEYS[1], field, retired)
end
local pendingField = 'w:' .. ARGV[1]
local pending = redis.call('HGET', KEYS[1], pendingField)
local list = pending and cjson.decode(pending) or {}
list[#list + 1] = ARGV[4]
redis.call('HSET', KEYS[1], pendingField, cjson.encode(list))
return { 1, retired or '' }
`;

/**
 * KEYS records. ARGV id, the roll's new hash, hashes whose lookup keys the roll removed (JSON array).
 * → 1 the new hash is still the token's (current or previous), 0 a concurrent roll retired it
 * (the caller removes its lookup key), -1 the token is gone (likewise).
 * The last step of a roll: the new hash leaves `w:<id>`, and the removed hashes leave `k:<id>`,
 * except those another unconfirmed roll may still write.
 */
const CONFIRM = `${RECORD_HASHES}
local json = redis.call('HGET', KEYS[1], 'r:' .. ARGV[1])
if not json then return -1 end
local pendingField = 'w:' .. ARGV[1]
local pending = {}
local raw = redis.call('HGET', KEYS[1], pendingField)
if raw then
  for _, hash in ipairs(cjson.decode(raw)) do
    if hash ~= ARGV[2] then pending[#pending + 1] = hash end
  end
end
if #pending > 0 then redis.call('HSET', KEYS[1], pendingField, cjson.encode(pending)) else redis.call('HDEL', KEYS[1], pendingField) end
local keep = {}
for _, hash in ipairs(pending) do keep[hash] = true end
local removed = {}
for _, hash in ipairs(cjson.decode(ARGV[3])) do
  if not keep[hash] then removed[hash] = true end
end
local retiredField = 'k:' .. ARGV[1]
raw = redis.call('HGET', KEYS[1], retiredField)
if raw then
  local left = {}
  for _, hash in ipairs(cjson.decode(raw)) do
    if not removed[hash] then left[#left + 1] = hash end
  end
  if #left > 0 then redis.call('HSET', KEYS[1], retiredField, cjson.encode(left)) else redis.call('HDEL', KEYS[1], retiredField) end
end
local current, previous = recordHashes(json)
if current == ARGV[2] or previous == ARGV[2] then return 1 end
return 0
`;

/**
 * KEYS records, names, audit entries, audit index, audit token index base. ARGV id, expected record
 * JSON, new record JSON, current name key, new name key or '', the seven limit slots ('|'-joined,
 * `~` keeps a slot: a pause never undoes a concurrent spend), audit prefix, draft id, padded
 * instant. → { 1, limits field now or '' } applied, { 0 } the record changed since the caller read
 * it, { -1 } no such token, { -2 } the new name key belongs to another token (nothing written).
 */
const UPDATE = `${AUDIT}${LIMITS}
local json = redis.call('HGET', KEYS[1], 'r:' .. ARGV[1])
if not json then return { -1 } end
if json ~= ARGV[2] then return { 0 } end
if ARGV[5] ~= '' and ARGV[5] ~= ARGV[4] then
  local owner = redis.call('HGET', KEYS[2], ARGV[5])
  if owner and owner ~= ARGV[1] then return { -2 } end
  redis.call('HSET', KEYS[2], ARGV[5], ARGV[1])
  if redis.call('HGET', KEYS[2], ARGV[4]) == ARGV[1] then redis.call('HDEL', KEYS[2], ARGV[4]) end
end
redis.call('HSET', KEYS[1], 'r:' .. ARGV[1], ARGV[3])
local field = 'l:' .. ARGV[1]
local limits = redis.call('HGET', KEYS[1], field)
local change = splitLimits(ARGV[6])
local changed = false
for i = 1, 7 do if change[i] ~= '~' then changed = true end end
if changed then
  local slots = splitLimits(limits or '0|1||||||')
  for i = 1, 7 do if change[i] ~= '~' then slots[i + 1] = change[i] end end
  slots[1] = fmt(tonumber(slots[1]) + 1)
  limits = table.concat(slots, '|')
  redis.call('HSET', KEYS[1], field, limits)
end
writeAudit(KEYS[3], KEYS[4], KEYS[5], ARGV[7], ARGV[8], ARGV[9], ARGV[1], json)
return { 1, limits or '' }
`;

/**
 * KEYS records. ARGV id, cost, now (epoch ms). One atomic step on the organization's slot: the
 * refill that fell due, then the spend, never below zero.
 * → { status, remaining or '', refilledAt or '', limits field written or '', current hash, previous hash or '' }
 * with status 1 spent (or no credits: remaining ''), 0 refused, -1 no such token.
 */
const SPEND = `${RECORD_HASHES}${LIMITS}
local json = redis.call('HGET', KEYS[1], 'r:' .. ARGV[1])
if not json then return { -1 } end
local field = 'l:' .. ARGV[1]
local limits = redis.call('HGET', KEYS[1], field)
if not limits then return { 1, '', '', '' } end
local slots = splitLimits(limits)
if slots[5] == '' then return { 1, '', slots[8], '' } end
local cost = tonumber(ARGV[2])
local now = tonumber(ARGV[3])
local remaining = tonumber(slots[5])
local changed = false
if slots[6] ~= '' and slots[8] ~= '' then
  local interval = tonumber(slots[7])
  local anchor = tonumber(slots[8])
  if interval > 0 and now >= anchor + interval then
    slots[8] = fmt(anchor + math.floor((now - anchor) / interval) * interval)
    remaining = tonumber(slots[6])
    changed = true
  end
end
local status = 0
if remaining >= cost then
  remaining = remaining - cost
  status = 1
  changed = true
end
local written = ''
if changed then
  slots[1] = fmt(tonumber(slots[1]) + 1)
  slots[5] = fmt(remaining)
  written = table.concat(slots, '|')
  redis.call('HSET', KEYS[1], field, written)
end
local current, previous = recordHashes(json)
return { status, fmt(remaining), slots[8], written, current or '', previous or '' }
`;

/**
 * KEYS lookup key. ARGV limits field. Raises the lookup key's copy of the limits to a newer write
 * (by sequence); a missing lookup key is never created (a deletion may have just removed it).
 */
const SET_LIMITS = `
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
local current = redis.call('HGET', KEYS[1], 'l')
if current and tonumber(string.match(current, '^(%d+)')) >= tonumber(string.match(ARGV[1], '^(%d+)')) then return 0 end
redis.call('HSET', KEYS[1], 'l', ARGV[1])
return 1
`;

/**
 * KEYS lookup key. ARGV record JSON, lastUsedAt or '', expire-at (epoch ms) or '', limits or ''.
 * Writes a lookup key with its expiry in one step, so a previous secret never lives on without it.
 */
const WRITE_LOOKUP = `${LOOKUP_JSON}
writeJson(KEYS[1], ARGV[1])
if ARGV[2] ~= '' then redis.call('HSET', KEYS[1], 'u', ARGV[2]) end
if ARGV[4] ~= '' then redis.call('HSET', KEYS[1], 'l', ARGV[4]) end
if ARGV[3] ~= '' then redis.call('PEXPIREAT', KEYS[1], ARGV[3]) end
return 1
`;

/**
 * KEYS lookup key. ARGV record JSON, expire-at (epoch ms) or '', channel, message, limits or ''
 * (set only when newer than the key's, by sequence). → 1 rewritten,
 * 0 no such key (never recreated: a deletion may have removed it). Announces the change in the
 * same step, so a cached instance drops the record it holds for this hash.
 */
const REWRITE_LOOKUP = `${LOOKUP_JSON}
redis.call('PUBLISH', ARGV[3], ARGV[4])
if redis.call('HEXISTS', KEYS[1], 'r') == 0 then return 0 end
writeJson(KEYS[1], ARGV[1])
if ARGV[2] ~= '' then redis.call('PEXPIREAT', KEYS[1], ARGV[2]) end
if ARGV[5] ~= '' then
  local current = redis.call('HGET', KEYS[1], 'l')
  if not current or tonumber(string.match(current, '^(%d+)')) < tonumber(string.match(ARGV[5], '^(%d+)')) then redis.call('HSET', KEYS[1], 'l', ARGV[5]) end
end
return 1
`;

/** KEYS lock. ARGV token. Releases the lock only if this holder still has it. */
const RELEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`;

/**
 * KEYS order, records. ARGV max (ZREVRANGEBYLEX bound), limit, id start in a member.
 * → { members found (up to limit + 1), then member, json, lastUsedAt, limits for each of the first limit }.
 * One script so a page never mixes two states of the organization.
 */
const LIST = `
local limit = tonumber(ARGV[2])
local members = redis.call('ZREVRANGEBYLEX', KEYS[1], ARGV[1], '-', 'LIMIT', 0, limit + 1)
local start = tonumber(ARGV[3])
local out = { #members }
for i = 1, math.min(limit, #members) do
  local id = string.sub(members[i], start)
  local fields = redis.call('HMGET', KEYS[2], 'r:' .. id, 'u:' .. id, 'l:' .. id)
  out[#out + 1] = members[i]
  out[#out + 1] = fields[1]
  out[#out + 1] = fields[2]
  out[#out + 1] = fields[3]
end
return out
`;

/**
 * KEYS records. ARGV pairs id, lastUsedAt. → for each pair, the record JSON if the id exists (so
 * the caller can find its lookup keys), else false. Monotonic; ids that no longer exist are
 * skipped, never recreated.
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
  end
  found[#found + 1] = json or false
end
return found
`;

/**
 * KEYS records. ARGV id, expected record JSON, new record JSON. → 1 rewritten, 0 the record
 * changed or went since the caller read it (nothing written). Rewrites a listing in the form this
 * version writes, the same record in fewer bytes (see reconcile.ts).
 */
const COMPACT = `
if redis.call('HGET', KEYS[1], 'r:' .. ARGV[1]) ~= ARGV[2] then return 0 end
redis.call('HSET', KEYS[1], 'r:' .. ARGV[1], ARGV[3])
return 1
`;

/** KEYS lookup key. ARGV lastUsedAt. Monotonic, and a deleted lookup key stays deleted. */
const TOUCH_LOOKUP = `
if redis.call('HEXISTS', KEYS[1], 'r') == 0 then return 0 end
local current = redis.call('HGET', KEYS[1], 'u')
if current and tonumber(current) >= tonumber(ARGV[1]) then return 0 end
redis.call('HSET', KEYS[1], 'u', ARGV[1])
return 1
`;

/**
 * KEYS audit index (of the organization or of one token), audit entries. ARGV max
 * (ZREVRANGEBYLEX bound), limit, entry id start in a member.
 * → { members found (up to limit + 1), then member, entry JSON for each of the first limit }.
 */
const AUDIT_PAGE = `
local limit = tonumber(ARGV[2])
local members = redis.call('ZREVRANGEBYLEX', KEYS[1], ARGV[1], '-', 'LIMIT', 0, limit + 1)
local start = tonumber(ARGV[3])
local out = { #members }
for i = 1, math.min(limit, #members) do
  out[#out + 1] = members[i]
  out[#out + 1] = redis.call('HGET', KEYS[2], string.sub(members[i], start))
end
return out
`;

/**
 * KEYS audit index, audit entries, audit token index base. ARGV max (exclusive ZRANGEBYLEX bound:
 * the padded cutoff), batch, entry id start in a member. → how many entries this call deleted
 * (at most batch): each leaves the entries hash, the organization's index and its token's index.
 */
const PRUNE_AUDIT = `
local members = redis.call('ZRANGEBYLEX', KEYS[1], '-', ARGV[1], 'LIMIT', 0, tonumber(ARGV[2]))
local start = tonumber(ARGV[3])
for _, member in ipairs(members) do
  local id = string.sub(member, start)
  local entry = redis.call('HGET', KEYS[2], id)
  if entry then
    local tokenId = string.match(entry, ',"tokenId":"([^"]*)"}$')
    if tokenId then redis.call('ZREM', KEYS[3] .. tokenId, member) end
    redis.call('HDEL', KEYS[2], id)
  end
  redis.call('ZREM', KEYS[1], member)
end
return #members
`;

/**
 * KEYS one organization's usage hash of one day. ARGV time to live (ms, '' for none), then pairs
 * field, increment. Atomic per field (HINCRBY); the expiry is set in the same step, so no write
 * leaves a day's hash without it.
 */
const ADD_USAGE = `
for i = 2, #ARGV, 2 do redis.call('HINCRBY', KEYS[1], ARGV[i], ARGV[i + 1]) end
if ARGV[1] ~= '' then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return 1
`;

/** KEYS usage hashes of one organization (one per day). ARGV field prefix (`<tokenId>:` or `*:`). → seven counts per key, false where absent. */
const READ_USAGE = `
local out = {}
local p = ARGV[1]
for i = 1, #KEYS do
  local values = redis.call('HMGET', KEYS[i], p .. 'a', p .. 'D', p .. 'E', p .. 'S', p .. 'P', p .. 'R', p .. 'U')
  for j = 1, 7 do out[#out + 1] = values[j] end
end
return out
`;

/** KEYS one usage hash. → how many token rows it held (fields `<tokenId>:a`, not the total's), then deletes it. */
const DROP_USAGE_DAY = `
local rows = 0
for _, field in ipairs(redis.call('HKEYS', KEYS[1])) do
  if string.sub(field, -2) == ':a' and string.sub(field, 1, 2) ~= '*:' then rows = rows + 1 end
end
redis.call('DEL', KEYS[1])
return rows
`;

const DEFINITIONS = {
  claim: { numberOfKeys: 6, lua: CLAIM },
  unpublish: { lua: UNPUBLISH },
  unlist: { numberOfKeys: 8, lua: UNLIST },
  roll: { numberOfKeys: 4, lua: ROLL },
  confirm: { numberOfKeys: 1, lua: CONFIRM },
  update: { numberOfKeys: 5, lua: UPDATE },
  spend: { numberOfKeys: 1, lua: SPEND },
  setLimits: { numberOfKeys: 1, lua: SET_LIMITS },
  writeLookup: { numberOfKeys: 1, lua: WRITE_LOOKUP },
  rewriteLookup: { numberOfKeys: 1, lua: REWRITE_LOOKUP },
  release: { numberOfKeys: 1, lua: RELEASE },
  list: { numberOfKeys: 2, lua: LIST },
  touchOrganization: { numberOfKeys: 1, lua: TOUCH_ORGANIZATION },
  compact: { numberOfKeys: 1, lua: COMPACT },
  touchLookup: { numberOfKeys: 1, lua: TOUCH_LOOKUP },
  auditPage: { numberOfKeys: 2, lua: AUDIT_PAGE },
  pruneAudit: { numberOfKeys: 3, lua: PRUNE_AUDIT },
  addUsage: { numberOfKeys: 1, lua: ADD_USAGE },
  readUsage: { lua: READ_USAGE },
  dropUsageDay: { numberOfKeys: 1, lua: DROP_USAGE_DAY },
} as const;

// Versioned names: two keyward versions sharing one client each keep their own scripts (schema 4
// changed what touchOrganization answers and what addUsage takes).
const commandName = (name: string): string => `keywardV4${name[0]!.toUpperCase()}${name.slice(1)}`;

/** An audit draft as the scripts take it: the entry's JSON prefix ('' for none), the draft id, the padded instant. */
export type AuditArgs = readonly [prefix: string, draftId: string, at: string];

export const NO_AUDIT: AuditArgs = ['', '', ''];

export interface Scripts {
  claim(keys: OrganizationKeys, id: string, nameKey: string, json: string, member: string, lastUsedAt: string, limits: string, audit: AuditArgs): Promise<number>;
  unpublish(lookupKeys: readonly string[], channel: string, message: string): Promise<Array<string | null>>;
  unlist(keys: OrganizationKeys, now: number, forgetBefore: number, audit: AuditArgs, triples: readonly string[]): Promise<string[]>;
  roll(keys: OrganizationKeys, id: string, expected: string, json: string, hash: string, retire: readonly string[], currentHash: string, audit: AuditArgs): Promise<[number, string?]>;
  confirm(records: string, id: string, hash: string, removed: readonly string[]): Promise<number>;
  update(keys: OrganizationKeys, id: string, expected: string, json: string, nameKey: string, newNameKey: string, limitSlots: string, audit: AuditArgs): Promise<[number, string?]>;
  spend(records: string, id: string, cost: number, now: number): Promise<[number, string?, string?, string?, string?, string?]>;
  setLimits(lookupKey: string, limits: string): Promise<number>;
  writeLookup(lookupKey: string, json: string, lastUsedAt: string, expireAt: string, limits: string): Promise<number>;
  rewriteLookup(lookupKey: string, json: string, expireAt: string, channel: string, message: string, limits: string): Promise<number>;
  release(lock: string, token: string): Promise<number>;
  list(keys: OrganizationKeys, max: string, limit: number): Promise<Array<string | number | null>>;
  touchOrganization(records: string, pairs: readonly string[]): Promise<Array<string | null>>;
  compact(records: string, id: string, expected: string, json: string): Promise<number>;
  touchLookup(lookupKey: string, lastUsedAt: string): Promise<number>;
  auditPage(index: string, entries: string, max: string, limit: number): Promise<Array<string | number | null>>;
  pruneAudit(keys: OrganizationKeys, max: string, batch: number): Promise<number>;
  addUsage(usageKey: string, ttlMs: string, pairs: readonly string[]): Promise<number>;
  readUsage(dayKeys: readonly string[], fieldPrefix: string): Promise<Array<string | null>>;
  dropUsageDay(usageKey: string): Promise<number>;
}

type Command = (...args: Array<string | number>) => Promise<unknown>;

/**
 * Registers keyward's Lua scripts on `client` (as `keywardV4…` commands) and returns typed callers.
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
    claim: (k, id, nameKey, json, member, lastUsedAt, limits, audit) =>
      call('claim', k.records, k.names, k.order, k.auditEntries, k.auditIndex, k.auditTokenIndex, id, nameKey, json, member, lastUsedAt, limits, ...audit),
    unpublish: (lookupKeys, channel, message) => call('unpublish', lookupKeys.length, ...lookupKeys, channel, message),
    unlist: (k, now, forgetBefore, audit, triples) =>
      call('unlist', k.records, k.names, k.order, k.gone, k.goneAt, k.auditEntries, k.auditIndex, k.auditTokenIndex, now, forgetBefore, ...audit, ...triples),
    roll: (k, id, expected, json, hash, retire, currentHash, audit) =>
      call('roll', k.records, k.auditEntries, k.auditIndex, k.auditTokenIndex, id, expected, json, hash, JSON.stringify(retire), currentHash, ...audit),
    confirm: (records, id, hash, removed) => call('confirm', records, id, hash, JSON.stringify(removed)),
    update: (k, id, expected, json, nameKey, newNameKey, limitSlots, audit) =>
      call('update', k.records, k.names, k.auditEntries, k.auditIndex, k.auditTokenIndex, id, expected, json, nameKey, newNameKey, limitSlots, ...audit),
    spend: (records, id, cost, now) => call('spend', records, id, cost, now),
    setLimits: (lookupKey, limits) => call('setLimits', lookupKey, limits),
    writeLookup: (lookupKey, json, lastUsedAt, expireAt, limits) => call('writeLookup', lookupKey, json, lastUsedAt, expireAt, limits),
    rewriteLookup: (lookupKey, json, expireAt, channel, message, limits) => call('rewriteLookup', lookupKey, json, expireAt, channel, message, limits),
    release: (lock, token) => call('release', lock, token),
    list: (k, max, limit) => call('list', k.order, k.records, max, limit, ORDER_MEMBER_ID_START),
    touchOrganization: (records, pairs) => call('touchOrganization', records, ...pairs),
    compact: (records, id, expected, json) => call('compact', records, id, expected, json),
    touchLookup: (lookupKey, lastUsedAt) => call('touchLookup', lookupKey, lastUsedAt),
    auditPage: (index, entries, max, limit) => call('auditPage', index, entries, max, limit, ORDER_MEMBER_ID_START),
    pruneAudit: (k, max, batch) => call('pruneAudit', k.auditIndex, k.auditEntries, k.auditTokenIndex, max, batch, ORDER_MEMBER_ID_START),
    addUsage: (usageKey, ttlMs, pairs) => call('addUsage', usageKey, ttlMs, ...pairs),
    readUsage: (dayKeys, fieldPrefix) => call('readUsage', dayKeys.length, ...dayKeys, fieldPrefix),
    dropUsageDay: (usageKey) => call('dropUsageDay', usageKey),
  };
}
