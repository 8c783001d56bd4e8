import { TokenInfo } from '@keyward/core';
import { GuardOptions, ManagementApiOptions, SecretScanningOptions } from '@keyward/core/http';
import { FastifyRequest, FastifyReply, HookHandlerDoneFunction, FastifyPluginAsync } from 'fastify';
declare module 'fastify' {
    interface FastifyRequest {
        apiToken?: TokenInfo | undefined;
    }
}
type RequireTokenOptions = GuardOptions<FastifyRequest>;
type RequireTokenHook = (request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction) => void;
declare function requireToken(options: RequireTokenOptions): RequireTokenHook;
declare function getApiToken(request: FastifyRequest): TokenInfo;
interface TokensPluginOptions extends ManagementApiOptions<FastifyRequest> {
    prefix?: string | undefined;
}
declare const tokensPlugin: FastifyPluginAsync<TokensPluginOptions>;
interface SecretScanningPluginOptions extends SecretScanningOptions {
    prefix?: string | undefined;
}
declare const secretScanningPlugin: FastifyPluginAsync<SecretScanningPluginOptions>;
export { type RequireTokenHook, type RequireTokenOptions, type SecretScanningPluginOptions, type TokensPluginOptions, getApiToken, requireToken, secretScanningPlugin, tokensPlugin };
