export { requireToken, type ApiTokenEnv, type OptionalApiTokenEnv, type RequireTokenOptions } from './require-token.js';
export { tokensApp, type TokensAppOptions } from './tokens-app.js';
export { secretScanningApp } from './secret-scanning.js';
