import { TokenInfo } from '@keyward/core';
import { GuardOptions, ManagementApiOptions, SecretScanningOptions } from '@keyward/core/http';
import { Request, RequestHandler, Router } from 'express';
declare global {
    namespace Express {
        interface Request {
            apiToken?: TokenInfo;
        }
    }
}
type RequireTokenOptions = GuardOptions<Request>;
declare function requireToken(options: RequireTokenOptions): RequestHandler;
declare function getApiToken(req: Request): TokenInfo;
type TokensRouterOptions = ManagementApiOptions<Request>;
declare function tokensRouter(options: TokensRouterOptions): Router;
declare function secretScanningRouter(options: SecretScanningOptions): Router;
export { type RequireTokenOptions, type TokensRouterOptions, getApiToken, requireToken, secretScanningRouter, tokensRouter };
