import { TokenInfo, MaybePromise, Actor } from '@keyward/core';
import { GuardOptions, ManagementApiOptions, JsonBodyResult, HttpResponse, SecretScanningOptions } from '@keyward/core/http';
type RouteParams = Readonly<Record<string, string | readonly string[] | undefined>>;
type FetchIdReader<P> = (request: Request, params: P) => string | readonly string[] | null | undefined;
interface FetchGuardOptions<P = RouteParams> extends Omit<GuardOptions<unknown>, 'project' | 'organization' | 'refusalContext'> {
    project?: FetchIdReader<P> | undefined;
    organization?: FetchIdReader<P> | undefined;
    refusalContext?: ((request: Request, params: P) => unknown) | undefined;
}
type FetchGuardToken<Optional extends boolean = false> = Optional extends true ? TokenInfo | undefined : TokenInfo;
type FetchGuardResult<Optional extends boolean = false> = {
    ok: true;
    token: FetchGuardToken<Optional>;
    headers?: Readonly<Record<string, string>>;
} | {
    ok: false;
    response: Response;
};
type FetchHandler<C> = (request: Request, context: C) => Promise<Response>;
interface FetchGuard<P = RouteParams, Optional extends boolean = false> {
    (request: Request, params?: P): Promise<FetchGuardResult<Optional>>;
    withToken<C = {
        params?: P | Promise<P>;
    }>(handler: (request: Request, token: FetchGuardToken<Optional>, context: C) => Response | Promise<Response>): FetchHandler<C>;
}
declare function createFetchGuard<P = RouteParams, Optional extends boolean = false>(options: FetchGuardOptions<P> & {
    optional?: Optional | undefined;
}): FetchGuard<P, Optional>;
type FetchActorReader = (request: Request, params: Readonly<Record<string, string>>) => MaybePromise<Actor | null | undefined>;
interface FetchManagementOptions extends Omit<ManagementApiOptions<Request>, 'getActor'> {
    getActor: FetchActorReader;
    basePath?: string | undefined;
}
declare function createFetchManagement(options: FetchManagementOptions): (request: Request) => Promise<Response>;
declare function readJsonBody(request: Request, maxBytes?: number): Promise<JsonBodyResult>;
declare function toResponse(response: HttpResponse): Response;
declare function createFetchSecretScanning(options: SecretScanningOptions): (request: Request) => Promise<Response>;
export { type FetchActorReader, type FetchGuard, type FetchGuardOptions, type FetchGuardResult, type FetchGuardToken, type FetchHandler, type FetchIdReader, type FetchManagementOptions, type RouteParams, createFetchGuard, createFetchManagement, createFetchSecretScanning, readJsonBody, toResponse };
