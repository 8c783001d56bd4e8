export { createFetchGuard, type FetchGuard, type FetchGuardOptions, type FetchGuardResult, type FetchGuardToken, type FetchHandler, type FetchIdReader, type RouteParams } from './guard.js';
export { createFetchManagement, type FetchActorReader, type FetchManagementOptions } from './management.js';
export { readJsonBody } from './read-body.js';
export { toResponse } from './respond.js';
export { createFetchSecretScanning } from './secret-scanning.js';
