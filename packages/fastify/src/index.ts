export { getApiToken, requireToken, type RequireTokenHook, type RequireTokenOptions } from './require-token.js';
export { tokensPlugin, type TokensPluginOptions } from './tokens-plugin.js';
