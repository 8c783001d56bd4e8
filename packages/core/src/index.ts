export { BASE62_ALPHABET, encodeBase62 } from './base62.js';
export { crc32 } from './crc32.js';
export {
  ClosedError,
  ConfigurationError,
  ForbiddenError,
  KeywardError,
  NameTakenError,
  StoreFailedError,
  StoreUnavailableError,
  TokenNotFoundError,
  ValidationError,
  type FieldIssue,
} from './errors.js';
export type { DeletionReason, KeywardEvent, TokenCreatedEvent, TokenDeletedEvent } from './events.js';
export { DAY_MS, EXPIRY_PRESETS, EXPIRY_PRESET_LABELS, isExpired, isExpiryPreset, previewExpiration, type ExpiryPreset } from './expiry.js';
export { createHasher, hashBackend, type PepperOptions, type TokenHasher } from './hash.js';
export { Keyward, createKeyward, type CreatedToken, type TokenPage } from './keyward.js';
export type { KeywardOptions } from './options.js';
export type { VerifyFailureCode, VerifyResult } from './verify.js';
export { memoryStore } from './memory-store.js';
export { NAME_MAX_LENGTH, normalizeTokenName, tokenNameKey } from './name.js';
export { assertCanManageTokens, canManageTokens, isWithinScope, needsProjectLookup, type RouteTarget, type TokenOperation } from './policy.js';
export {
  DEFAULT_PAGE_SIZE,
  MAX_BULK_IDS,
  MAX_PAGE_SIZE,
  actorSchema,
  createTokenInputSchema,
  deleteManyInputSchema,
  expiryPresetSchema,
  listOptionsSchema,
  parseInput,
  pruneOptionsSchema,
  roleSchema,
  toValidationError,
  tokenIdSchema,
  tokenIdsSchema,
  tokenNameSchema,
  tokenScopeSchema,
  type CreateTokenInput,
  type ListOptions,
} from './schemas.js';
export type { Actor, ProjectInfo, Role, TokenScope } from './scope.js';
export type { DeleteManyResult, LastUsedUpdate, ListCursor, ListPage, MaybePromise, TokenRecord, TokenStore } from './store.js';
export { toTokenInfo, toTokenListItem, type TokenInfo, type TokenListItem, type TokenStatus } from './token-info.js';
export { CHECKSUM_LENGTH, DEFAULT_PREFIX, SECRET_LENGTH, generateToken, isWellFormedToken, tokenHint } from './token-format.js';
export * from './http/index.js';
