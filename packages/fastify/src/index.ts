export { getApiToken, requireToken, type RequireTokenHook, type RequireTokenOptions } from './require-token.js';
export { tokensPlugin, type TokensPluginOptions } from './tokens-plugin.js';
export { secretScanningPlugin, type SecretScanningPluginOptions } from './secret-scanning.js';
