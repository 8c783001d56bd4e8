export { authenticate, type AuthenticateOptions, type AuthenticateResult, type IsOptional } from './authenticate.js';
export type { Refusal, RefusalAnswer, RefusalHooks } from './refusals.js';
export {
  MANAGEMENT_PROBLEM_CODES,
  REFUSAL_CODES,
  SECRET_SCANNING_PROBLEM_CODES,
  type ManagementProblemCode,
  type ProblemCode,
  type RefusalCode,
  type SecretScanningProblemCode,
} from './problem-codes.js';
export { MAX_CREDENTIALS_LENGTH, parseCredentials, type CredentialsInput, type MalformedReason, type ParsedCredentials } from './credentials.js';
export { createGuard, incomingHeaderValue, type Guard, type GuardOptions, type IncomingHeaders, type RouteIdReader } from './guard.js';
export { RETRY_AFTER_SECONDS, failureResponse } from './failures.js';
export {
  CROSS_SITE_RESPONSE,
  NOT_JSON_RESPONSE,
  admit,
  fetchManagementHeaders,
  nodeManagementHeaders,
  resolveCrossSite,
  type CrossSiteOptions,
  type CrossSitePolicy,
  type FetchRequestHeaders,
  type ManagementHeaders,
} from './cross-site.js';
export { DEFAULT_REALM, assertValidRealm, guardResponses, type GuardResponses } from './guard-responses.js';
export {
  BODY_RESPONSES,
  MAX_JSON_BODY_BYTES,
  isJsonContentType,
  jsonBodyDisposition,
  parseJsonBody,
  type BodyHeaders,
  type JsonBodyResult,
} from './json-body.js';
export { UNAUTHENTICATED_RESPONSE, errorResponse } from './management-errors.js';
export {
  handleBulkDeleteTokens,
  handleCreateToken,
  handleDeleteToken,
  handleGetToken,
  handleListPermissions,
  handleListTokens,
  handlePreviewExpiration,
  handleRollToken,
  handleUpdateToken,
  type ManagementHandler,
  type ManagementRequest,
} from './management-handlers.js';
export { handleAuditLog, handleOrganizationUsage, handleTokenUsage } from './history-handlers.js';
export { limitHeaders, retryAfter } from './limit-headers.js';
export {
  MANAGEMENT_ROUTES,
  createManagementApi,
  type ManagementApi,
  type ManagementApiOptions,
  type ManagementRequestParts,
  type ManagementRoute,
} from './management-routes.js';
export {
  JSON_CONTENT_TYPE,
  NO_STORE_HEADERS,
  PROBLEM_CONTENT_TYPE,
  frozenResponse,
  problemResponse,
  responseText,
  type HttpResponse,
  type HttpStatus,
  type ProblemDetails,
} from './response.js';
export {
  MANAGEMENT_API_VERSION,
  OPENAPI_PATH,
  createOpenApiDocument,
  openApiResponse,
  type OpenApiDocument,
  type OpenApiOptions,
  type OpenApiSecurityScheme,
} from './openapi.js';
export {
  DEFAULT_REPLAY_WINDOW_MS,
  GITHUB_KEY_ID_HEADER,
  GITHUB_SIGNATURE_HEADER,
  MAX_LEAK_REPORT_BYTES,
  createSecretScanningEndpoint,
  type SecretScanningEndpoint,
  type SecretScanningOptions,
  type SecretScanningRequest,
} from './secret-scanning.js';
