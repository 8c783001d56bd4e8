import { TokenInfo } from '@keyward/core';
import { GuardOptions, ManagementApiOptions, SecretScanningOptions } from '@keyward/core/http';
import { Context, MiddlewareHandler, Env, Hono } from 'hono';
type ApiTokenEnv = {
    Variables: {
        apiToken: TokenInfo;
    };
};
type OptionalApiTokenEnv = {
    Variables: {
        apiToken: TokenInfo | undefined;
    };
};
type RequireTokenOptions = GuardOptions<Context>;
declare function requireToken(options: RequireTokenOptions & {
    optional: true;
}): MiddlewareHandler<OptionalApiTokenEnv>;
declare function requireToken(options: RequireTokenOptions & {
    optional?: false | undefined;
}): MiddlewareHandler<ApiTokenEnv>;
declare function requireToken(options: RequireTokenOptions): MiddlewareHandler<OptionalApiTokenEnv>;
type TokensAppOptions<E extends Env = Env> = ManagementApiOptions<Context<E>>;
declare function tokensApp<E extends Env = Env>(options: TokensAppOptions<E>): Hono<E>;
declare function secretScanningApp<E extends Env = Env>(options: SecretScanningOptions): Hono<E>;
export { type ApiTokenEnv, type OptionalApiTokenEnv, type RequireTokenOptions, type TokensAppOptions, requireToken, secretScanningApp, tokensApp };
