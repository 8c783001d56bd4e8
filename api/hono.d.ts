import { TokenInfo } from '@keyward/core';
import { GuardOptions, ManagementApiOptions } from '@keyward/core/http';
import { Context, MiddlewareHandler, Env, Hono } from 'hono';
type ApiTokenEnv = {
    Variables: {
        apiToken: TokenInfo;
    };
};
type RequireTokenOptions = GuardOptions<Context>;
declare function requireToken(options: RequireTokenOptions): MiddlewareHandler<ApiTokenEnv>;
type TokensAppOptions<E extends Env = Env> = ManagementApiOptions<Context<E>>;
declare function tokensApp<E extends Env = Env>(options: TokensAppOptions<E>): Hono<E>;
export { type ApiTokenEnv, type RequireTokenOptions, type TokensAppOptions, requireToken, tokensApp };
