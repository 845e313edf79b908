// Every REST endpoint of the Web API and the one method each takes (ipecs-webapi.md §0, §2.2, §10.1 items 2-3,
// a known path under another method, like an unknown path, is 404 with an error body and does
// nothing (no login, no logout, no refreshed session). The CTI features and their methods are the command table's
// (cti-commands.ts) and monitor/presence's (monitor-presence.ts).

/** What the path names: `/ipxapi/{type}/v1/users/{id}/{resource}` or the literal `/ipxapi/users/{id}/checkconnection`. */
export interface Route {
  /** `undefined` for the short check-connection path. */
  readonly type: 'server' | 'client' | undefined;
  readonly userId: string;
  /** Everything after the user id: `login`, `smdr`, `call/make`, … */
  readonly resource: string;
}

/** A REST endpoint the emulator serves. */
export type Endpoint =
  | { readonly kind: 'login' | 'checkconnection' | 'logout' | 'smdr' | 'clickcall' }
  | { readonly kind: 'cti'; readonly feature: string };

/** The methods of the non-CTI endpoints (§0 cheat sheet rows 1-5 and 9). */
export const REST_METHODS: Readonly<Record<'login' | 'checkconnection' | 'logout' | 'smdr' | 'clickcall', readonly string[]>> = {
  login: ['GET'],
  checkconnection: ['POST'],
  logout: ['POST'],
  smdr: ['GET', 'DELETE'],
  clickcall: ['POST'],
};

/** Matches `/ipxapi/users/{id}/checkconnection` and `/ipxapi/{type}/v1/users/{id}/{resource}[/…]`. */
export function parseRoute(pathname: string): Route | undefined {
  const full = /^\/ipxapi\/(server|client)\/v1\/users\/([^/]+)\/(.+?)\/?$/.exec(pathname);
  if (full) {
    return { type: full[1] as 'server' | 'client', userId: safeDecode(full[2] ?? ''), resource: full[3] ?? '' };
  }
  const short = /^\/ipxapi\/users\/([^/]+)\/(checkconnection)\/?$/.exec(pathname);
  if (short) return { type: undefined, userId: safeDecode(short[1] ?? ''), resource: short[2] ?? '' };
  return undefined;
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/**
 * The endpoint of `method route`, or `undefined` when the pair is not in the API (→ 404). `ctiAccepts` tells
 * whether `METHOD feature` is a CTI request (§7.3, §7.6, §7.7).
 */
export function endpointOf(route: Route, method: string, ctiAccepts: (method: string, feature: string) => boolean): Endpoint | undefined {
  const { resource } = route;
  if (route.type === undefined) return resource === 'checkconnection' && method === 'POST' ? { kind: 'checkconnection' } : undefined;
  if (resource.startsWith('call/')) {
    const feature = resource.slice('call/'.length);
    return ctiAccepts(method, feature) ? { kind: 'cti', feature } : undefined;
  }
  if (resource === 'login' || resource === 'checkconnection' || resource === 'logout' || resource === 'smdr' || resource === 'clickcall') {
    return REST_METHODS[resource].includes(method) ? { kind: resource } : undefined;
  }
  return undefined;
}
