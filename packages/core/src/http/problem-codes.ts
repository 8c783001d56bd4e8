// The `code` of every problem body keyward's HTTP layer writes, in one place: the types that
// narrow (`switch (problem.code)`) and the OpenAPI document's `Problem.code` enum both come from
// these lists, so a new code cannot reach one and miss the other.

/**
 * Every `code` a route guard refuses with.
 * @example REFUSAL_CODES.includes('TOKEN_EXPIRED') // true
 */
export const REFUSAL_CODES = Object.freeze([
  'MISSING_CREDENTIALS',
  'INVALID_REQUEST',
  'INVALID_TOKEN',
  'TOKEN_EXPIRED',
  'TOKEN_DISABLED',
  'INSUFFICIENT_SCOPE',
  'MISSING_PERMISSIONS',
  'RATE_LIMITED',
  'USAGE_EXHAUSTED',
  'STORE_UNAVAILABLE',
  'CLOSED',
  'STORE_FAILED',
  'INTERNAL_ERROR',
] as const);

/** The `code` of a guard's refusal: see REFUSAL_CODES. */
export type RefusalCode = (typeof REFUSAL_CODES)[number];

/**
 * Every `code` the management API answers with: its OpenAPI document's `Problem.code` enum.
 * `NOT_FOUND` and `METHOD_NOT_ALLOWED` come from adapters that route requests themselves
 * (`createFetchManagement`); the others from core's handlers.
 * @example MANAGEMENT_PROBLEM_CODES.includes('NAME_TAKEN') // true
 */
export const MANAGEMENT_PROBLEM_CODES = Object.freeze([
  'VALIDATION_FAILED',
  'INVALID_JSON',
  'PAYLOAD_TOO_LARGE',
  'UNSUPPORTED_MEDIA_TYPE',
  'CROSS_SITE_REQUEST',
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'TOKEN_NOT_FOUND',
  'NAME_TAKEN',
  'FEATURE_UNAVAILABLE',
  'NOT_FOUND',
  'METHOD_NOT_ALLOWED',
  'INTERNAL_ERROR',
  'STORE_FAILED',
  'STORE_UNAVAILABLE',
  'CLOSED',
] as const);

/** The `code` of a management API problem: see MANAGEMENT_PROBLEM_CODES. */
export type ManagementProblemCode = (typeof MANAGEMENT_PROBLEM_CODES)[number];

/**
 * Every `code` the secret scanning endpoint (`createSecretScanningEndpoint`) answers GitHub with.
 * @example SECRET_SCANNING_PROBLEM_CODES.includes('SIGNATURE_INVALID') // true
 */
export const SECRET_SCANNING_PROBLEM_CODES = Object.freeze([
  'SIGNATURE_MISSING',
  'SIGNATURE_MALFORMED',
  'SIGNATURE_INVALID',
  'REPORT_REPLAYED',
  'INVALID_REPORT',
  'PAYLOAD_TOO_LARGE',
  'METHOD_NOT_ALLOWED',
  'SERVICE_UNAVAILABLE',
  'INTERNAL_ERROR',
] as const);

/** The `code` of a secret scanning endpoint's problem: see SECRET_SCANNING_PROBLEM_CODES. */
export type SecretScanningProblemCode = (typeof SECRET_SCANNING_PROBLEM_CODES)[number];

/** The `code` of any problem body keyward writes. */
export type ProblemCode = RefusalCode | ManagementProblemCode | SecretScanningProblemCode;
