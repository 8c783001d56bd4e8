// The public API of @keyward/core, for two readers: application developers (the service, the
// memory store, results, errors, presets, the schemas a host validates its own forms with) and
// store authors (the TokenStore contract). Framework adapters build on `@keyward/core/http`;
// host test suites use `@keyward/core/testing`. Nothing else is exported.

// The service
export { Keyward, createKeyward } from './keyward.js';
export type { KeywardOptions } from './options.js';
export type { PepperOptions } from './hash.js';
export { VERIFY_FAILURE_CODES, type LimitsState, type VerifyFailure, type VerifyFailureCode, type VerifyResult, type VerifySuccess } from './verify.js';
export { storeFeatures, type StoreFeature, type StoreFeatures } from './features.js';
export { RATE_LIMIT_WINDOWS, type RateLimitInput, type RateLimitState, type RateLimitsOptions, type RateLimitWindowPreset } from './limits.js';
export { REFILL_INTERVALS, type CreditsState, type RefillInput, type RefillInterval } from './credits.js';
export type { AuditLogPage, RequestContext } from './audit.js';
export type { UsageReport } from './usage.js';
export { memoryStore } from './memory-store.js';
export type { BulkDeleteResult } from './bulk-delete.js';
export type { CacheOptions, InvalidationChannel, InvalidationListener } from './cache.js';

// What tokens are and who may manage them
export type { Actor, ProjectInfo, Role, TokenScope } from './scope.js';
export { canManageTokens, type RouteTarget } from './policy.js';
export type { CreatedToken, ExpiringTokenPage, TokenInfo, TokenListItem, TokenPage, TokenStatus } from './token-info.js';
export type { PermissionCatalog, PermissionInfo } from './permissions.js';
export { DAY_MS, EXPIRY_PRESETS, EXPIRY_PRESET_LABELS, ROLL_GRACE_PRESETS, previewExpiration, type ExpiryPreset, type RollGracePreset } from './expiry.js';
export { isWellFormedToken } from './token-format.js';
export type { LeakHandling, LeakLabel, LeakNotice, LeakReport } from './leaks/check-leaks.js';
export { GITHUB_SECRET_SCANNING_KEYS_URL, GitHubKeyring, KeysUnavailableError, type GitHubKeyringOptions, type PublicKeysFetcher } from './leaks/github-keys.js';
export { secretScanningPattern } from './leaks/pattern.js';
export { memoryReplayGuard, type ReplayGuard } from './leaks/replay.js';
export type { DeletionReason, KeywardEvent, TokenCreatedEvent, TokenDeletedEvent, TokenRolledEvent, TokenUpdatedEvent, UpdatedField } from './events.js';

// Errors: every one a KeywardError with a stable UPPER_SNAKE `code`
export {
  ClosedError,
  CloseTimeoutError,
  ConfigurationError,
  FeatureUnavailableError,
  ForbiddenError,
  KEYWARD_ERROR_CODES,
  KeywardError,
  NameTakenError,
  StoreFailedError,
  StoreUnavailableError,
  TokenNotFoundError,
  ValidationError,
  type CloseStep,
  type FieldIssue,
  type KeywardErrorCode,
} from './errors.js';

// Schemas for the host's own forms and API layers (zod 4)
export {
  MAX_BULK_IDS,
  createTokenInputSchema,
  creditsSchema,
  deleteManyInputSchema,
  rateLimitSchema,
  refillSchema,
  expiryPresetSchema,
  rollTokenInputSchema,
  tokenMetadataSchema,
  tokenNameSchema,
  tokenScopeSchema,
  updateTokenInputSchema,
  type CreateTokenInput,
  type ListExpiringOptions,
  type AuditLogOptions,
  type ListOptions,
  type RollTokenInput,
  type UpdateTokenInput,
  type UsageOptions,
} from './schemas.js';

// For store authors
export { USAGE_REFUSAL_CODES, auditEntryId } from './store.js';
export type {
  AddUsageOptions,
  AuditAction,
  AuditActor,
  AuditCursor,
  AuditDraft,
  AuditEntry,
  AuditPage,
  AuditStore,
  FullTokenStore,
  LimitsStore,
  RateLimit,
  RateLimiterAnswer,
  RateLimiterLike,
  RateLimiterOptions,
  RateLimiterStore,
  Refill,
  SpendResult,
  UsageCount,
  UsageDay,
  UsageRefusalCode,
  UsageStore,
  DeleteManyResult,
  ExpiringCursor,
  ExpiringPage,
  LastUsedUpdate,
  ListCursor,
  ListPage,
  MaybePromise,
  PreviousSecret,
  RollChange,
  TokenRecord,
  TokenStore,
  UpdateChange,
} from './store.js';
