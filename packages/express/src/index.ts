export { getApiToken, requireToken, type RequireTokenOptions } from './require-token.js';
export { tokensRouter, type TokensRouterOptions } from './tokens-router.js';
export { secretScanningRouter } from './secret-scanning.js';
