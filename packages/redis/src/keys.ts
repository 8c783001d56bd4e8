/**
 * Key layout. Every key starts with the prefix (so `SCAN MATCH <prefix>*` finds them all).
 *
 * | key | type | holds |
 * |---|---|---|
 * | `<p>h:<hash>` | hash | `r` (and `r1`…`r3`): record JSON in the lookup key's form (codec.ts), `u`: lastUsedAt, `l`: limits — everything verification needs. One per live secret: the current one, and the previous one (expiring at `previous.expiresAt`) |
 * | `<p>{o:<org>}:records` | hash | `r:<id>`: record JSON in the listing's form (codec.ts: no id, no organization id), `u:<id>`: lastUsedAt, `l:<id>`: limits (see limits-field.ts, absent without limits), `k:<id>`: retired hashes whose lookup keys may remain, `w:<id>`: hashes a roll has not yet confirmed, `i:<id>`: the hash at insert (the one its index entries carry), once rolled |
 * | `<p>{o:<org>}:names` | hash | nameKey → id |
 * | `<p>{o:<org>}:order` | sorted set | score 0, member `<createdAt, 16 digits>:<id>` |
 * | `<p>{o:<org>}:gone` | hash | id → JSON array of the hashes of tokens deleted in the last day (to find a lookup key a failover brought back; schema 1 wrote one bare hash) |
 * | `<p>{o:<org>}:goneAt` | sorted set | score deletion time, member id: trims `gone` |
 * | `<p>{p:<project>}:tokens` | set | `["<org>","<id>","<hash>"]` of project-scoped tokens |
 * | `<p>expiring` | sorted set | score expiresAt, member `["<org>","<id>","<hash at insert>"]`: for pruneExpired |
 * | `<p>expiry` | sorted set | score 0, member `<expiresAt, 17 digits>:<id>\0<org>`: for listExpiring, (expiresAt, id) order |
 * | `<p>{o:<org>}:audit:e` | hash | audit entry id → entry JSON |
 * | `<p>{o:<org>}:audit` | sorted set | score 0, member `<at, 16 digits>:<entry id>`: the organization's trail, newest last |
 * | `<p>{o:<org>}:audit:t:<tokenId>` | sorted set | the same members, of one token |
 * | `<p>{o:<org>}:usage:<YYYY-MM-DD>` | hash | `<tokenId>:<code>` and `*:<code>` (the organization's total) → count; codes `a` accepted, `D` `E` `S` `P` `R` `U` the refusals. Expires a little after the retention keyward states (usage.ts) |
 * | `<p>audit:orgs` | set | organizations with a trail, for pruneAudit |
 * | `<p>usage:days` | sorted set | score: the day (days since 1970), member `["<org>","<day>"]`: for pruneUsage |
 * | `<p>schema` | string | `4` once this prefix's keys have the schema-4 layout |
 * | `<p>schema:lock` | string | held (SET NX PX) by the process upgrading the keys |
 *
 * Only the organization id appears in per-organization key names (ids and name keys are hash
 * fields or members), so no two organizations' keys can collide whatever characters ids hold.
 * The `{o:<org>}` hash tag puts an organization's keys on one Cluster slot, which lets one Lua
 * script check a name and list a token atomically.
 */
export interface OrganizationKeys {
  /** Hash: `r:<id>` → record JSON, `u:<id>` → lastUsedAt. */
  records: string;
  /** Hash: nameKey → id. Enforces per-organization name uniqueness. */
  names: string;
  /** Sorted set, all scores 0, members from `orderMember`: newest first by ZREVRANGEBYLEX. */
  order: string;
  /** Hash: id → hash of recently deleted tokens, so a lookup key that outlived its listing can still be found by id. */
  gone: string;
  /** Sorted set: id by deletion time, to trim `gone`. */
  goneAt: string;
  /** Hash: audit entry id → entry JSON. */
  auditEntries: string;
  /** Sorted set, all scores 0, members `<at, 16 digits>:<entry id>`: the trail in (at, id) order. */
  auditIndex: string;
  /** The same for one token: this key followed by the token id. */
  auditTokenIndex: string;
  /** Hash of one UTC day's usage counts. */
  usage(day: string): string;
}

export interface KeyLayout {
  /** The lookup key verification reads: one HMGET. */
  byHash(hash: string): string;
  organization(organizationId: string): OrganizationKeys;
  /** Set of `indexMember`s of tokens scoped to this project, any organization. */
  project(projectId: string): string;
  /** Sorted set of `indexMember`s by expiresAt, for tokens that expire. */
  readonly expiring: string;
  /** Sorted set, all scores 0, members from `expiryMember`: (expiresAt, id) order by ZRANGEBYLEX. */
  readonly expiry: string;
  /** Set of organizations that have an audit trail. */
  readonly auditOrganizations: string;
  /** Sorted set of the (organization, day) usage hashes, scored by day. */
  readonly usageDays: string;
  /** The schema version of the keys under this prefix. */
  readonly schema: string;
  /** Held while one process upgrades the keys. */
  readonly schemaLock: string;
}

/**
 * The keys of one store, under `prefix`.
 * @example keyLayout('keyward:').organization('org_1').names // 'keyward:{o:org_1}:names'
 */
export function keyLayout(prefix: string): KeyLayout {
  return {
    byHash: (hash) => `${prefix}h:${hash}`,
    organization: (organizationId) => {
      const tagged = `${prefix}{o:${organizationId}}`;
      return {
        records: `${tagged}:records`,
        names: `${tagged}:names`,
        order: `${tagged}:order`,
        gone: `${tagged}:gone`,
        goneAt: `${tagged}:goneAt`,
        auditEntries: `${tagged}:audit:e`,
        auditIndex: `${tagged}:audit`,
        auditTokenIndex: `${tagged}:audit:t:`,
        usage: (day) => `${tagged}:usage:${day}`,
      };
    },
    project: (projectId) => `${prefix}{p:${projectId}}:tokens`,
    expiring: `${prefix}expiring`,
    expiry: `${prefix}expiry`,
    auditOrganizations: `${prefix}audit:orgs`,
    usageDays: `${prefix}usage:days`,
    schema: `${prefix}schema`,
    schemaLock: `${prefix}schema:lock`,
  };
}

/** Hash field of a record's JSON in `records`. */
export const recordField = (id: string): string => `r:${id}`;
/** Hash field of a record's lastUsedAt in `records`. */
export const lastUsedField = (id: string): string => `u:${id}`;
/** Hash field of a record's limits in `records`. */
export const limitsField = (id: string): string => `l:${id}`;
/** Hash field of a rolled record's hash at insert in `records`. */
export const indexHashField = (id: string): string => `i:${id}`;
/** Hash field of a record's retired hashes (JSON array) in `records`. */
export const retiredField = (id: string): string => `k:${id}`;

/** Wide enough for every non-negative safe integer (2^53 − 1 has 16 digits). */
const CREATED_AT_DIGITS = 16;
/** 1-based position of the id in an order member, for the Lua side: digits, then `:`. */
export const ORDER_MEMBER_ID_START = CREATED_AT_DIGITS + 2;

/**
 * The `order` member of a token. Fixed-width createdAt makes byte order equal (createdAt, id)
 * order, so ZREVRANGEBYLEX gives newest first with ties broken by id descending, and an
 * exclusive bound on the previous page's last member gives keyset pagination even across ties.
 * @example orderMember(1000, 'tok_a') // '0000000000001000:tok_a'
 */
export function orderMember(createdAt: number, id: string): string {
  return `${String(createdAt).padStart(CREATED_AT_DIGITS, '0')}:${id}`;
}

/** Inverse of `orderMember`. */
export function parseOrderMember(member: string): { createdAt: number; id: string } {
  return { createdAt: Number(member.slice(0, CREATED_AT_DIGITS)), id: member.slice(CREATED_AT_DIGITS + 1) };
}

/**
 * A token's entry in the cross-organization indexes. JSON, so no separator can be ambiguous.
 * The hash lets revokeProject/prune remove the lookup key even when the listing is gone.
 * Without `hash`: the entry written by earlier versions (still removed alongside).
 * @example indexMember('org_1', 'tok_a', 'h1') // '["org_1","tok_a","h1"]'
 */
export function indexMember(organizationId: string, id: string, hash?: string): string {
  return JSON.stringify(hash === undefined ? [organizationId, id] : [organizationId, id, hash]);
}

/** Inverse of `indexMember`; null for an entry this store did not write. */
export function parseIndexMember(member: string): { organizationId: string; id: string; hash: string | null } | null {
  try {
    const parsed: unknown = JSON.parse(member);
    if (Array.isArray(parsed) && (parsed.length === 2 || parsed.length === 3) && parsed.every((part) => typeof part === 'string')) {
      const [organizationId, id, hash] = parsed as [string, string, string?];
      return { organizationId, id, hash: hash ?? null };
    }
  } catch {
    // Not ours: treated like a stale entry.
  }
  return null;
}

/** 2^53: added to expiresAt so every safe integer, negative ones too, prints as 17 digits. */
const EXPIRY_OFFSET = 2n ** 53n;
const EXPIRY_DIGITS = 17;

/**
 * expiresAt as the fixed-width digits `expiry` members start with (byte order = numeric order).
 * Floored and clamped to the safe integers: schema 1 accepted any finite expiresAt, and deleting
 * such a token must not fail.
 * @example expiryDigits(0) // '09007199254740992'
 */
export function expiryDigits(expiresAt: number): string {
  const whole = Math.min(Math.max(Math.floor(expiresAt), -Number.MAX_SAFE_INTEGER), Number.MAX_SAFE_INTEGER);
  return (BigInt(whole) + EXPIRY_OFFSET).toString().padStart(EXPIRY_DIGITS, '0');
}

/**
 * The `expiry` member of a token: ZRANGEBYLEX gives (expiresAt, id) order, since ids hold no NUL
 * (a NUL sorts before every other byte, so an id sorts before the ids it is a prefix of).
 * @example expiryMember(1000, 'tok_a', 'org_1') // '09007199254741992:tok_a\0org_1'
 */
export function expiryMember(expiresAt: number, id: string, organizationId: string): string {
  return `${expiryDigits(expiresAt)}:${id}\0${organizationId}`;
}

/** Inverse of `expiryMember`. */
export function parseExpiryMember(member: string): { expiresAt: number; id: string; organizationId: string } {
  const separator = member.indexOf('\0', EXPIRY_DIGITS + 1);
  return {
    expiresAt: Number(BigInt(member.slice(0, EXPIRY_DIGITS)) - EXPIRY_OFFSET),
    id: member.slice(EXPIRY_DIGITS + 1, separator),
    organizationId: member.slice(separator + 1),
  };
}
