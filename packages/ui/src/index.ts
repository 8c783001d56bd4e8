export {
  ApiError,
  EXPIRY_PRESETS,
  ROLL_GRACE_PRESETS,
  createApiClient,
  type ApiClient,
  type ApiClientOptions,
  type AuditActor,
  type AuditEntry,
  type CreateTokenBody,
  type CreatedToken,
  type ExpirationPreview,
  type ExpiryPreset,
  type HeadersOption,
  type PermissionInfo,
  type Problem,
  type RollGracePreset,
  type TokenInfo,
  type TokenLeak,
  type TokenListItem,
  type TokenPage,
  type TokenScope,
  type UsageDay,
  type UsageReport,
} from './api.js';
export { dateFormatter, type DateFormatter } from './dates.js';
export { KeywardTokensElement, type Theme, type TokenChangedEvent, type TokenCreatedEvent, type TokensDeletedEvent } from './element.js';
export type { KeywardTokensAttributes, KeywardTokensEventMap } from './props.js';
export { TokensModel, type Change, type Phase, type TokensState } from './state.js';
export { DEFAULT_STRINGS, format, type Message, type StringKey, type Strings } from './strings.js';
export type { ProjectOption } from './templates.js';
