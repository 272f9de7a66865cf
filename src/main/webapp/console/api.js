// The one way the console talks to Tollgate: its own origin, a bearer token kept in this tab's
// sessionStorage (never in a cookie), problem+json turned into an ApiError.

const KEY = 'tollgate.token';

export const token = {
  get: () => sessionStorage.getItem(KEY),
  set: value => sessionStorage.setItem(KEY, value),
  clear: () => sessionStorage.removeItem(KEY),
  /** The token's claims, read (not verified: Tollgate verifies it on every request). */
  claims() {
    const value = token.get();
    if (!value) return null;
    try {
      const part = value.split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
      const bytes = Uint8Array.from(atob(part), c => c.charCodeAt(0));
      const claims = JSON.parse(new TextDecoder().decode(bytes));
      return claims.exp && claims.exp * 1000 < Date.now() ? null : claims;
    } catch {
      return null;
    }
  },
};

export function roles() {
  const claims = token.claims();
  return new Set(claims?.groups ?? claims?.roles ?? []);
}

export class ApiError extends Error {
  constructor(status, problem, retryAfter) {
    super(problem?.detail || problem?.title || `HTTP ${status}`);
    this.status = status;
    this.problem = problem ?? {};
    this.code = problem?.type ? problem.type.split('/').pop().replace(/-/g, '_') : null;
    this.retryAfter = retryAfter;
  }
}

/** Sends a request; answers the response when ok, throws ApiError otherwise. */
export async function send(method, path, { body, accept = 'application/json', headers = {}, signal } = {}) {
  const init = { method, signal, headers: { Accept: accept, ...headers } };
  const bearer = token.get();
  if (bearer) init.headers.Authorization = `Bearer ${bearer}`;
  if (body !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  const response = await fetch(path, init);
  if (!response.ok) throw await failure(response);
  return response;
}

export async function failure(response) {
  let problem = null;
  try {
    problem = await response.json();
  } catch {
    // not every refusal has a body (a proxy's, say): the status says enough
  }
  const retry = Number(response.headers.get('Retry-After'));
  return new ApiError(response.status, problem, Number.isFinite(retry) && retry > 0 ? retry : null);
}

export async function json(method, path, options) {
  const response = await send(method, path, options);
  return response.status === 204 ? null : response.json();
}

export const get = (path, options) => json('GET', path, options);

/** Saves an authenticated download (CSV) as a file. */
export async function download(path, accept, filename) {
  const blob = await (await send('GET', path, { accept })).blob();
  const link = document.createElement('a');
  link.href = URL.createObjectURL(blob);
  link.download = filename;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(link.href), 10000);
}

/** What a refusal means for the person looking at it. */
export function explain(error) {
  if (!(error instanceof ApiError)) return 'The connection to Tollgate was lost. Check your network and try again.';
  const p = error.problem;
  const wait = error.retryAfter ?? (p.retry_after_ms ? Math.ceil(p.retry_after_ms / 1000) : null);
  switch (error.status) {
    case 401: return 'Your sign-in has expired. Sign in again.';
    case 402: return `${p.title ?? 'Out of credits'}. ${p.detail ?? ''}${p.balance != null ? ` Credits left: ${p.balance}.` : ''}`;
    case 404: return 'Not found: it does not exist, or it is not yours.';
    case 429: return `Too many requests: ${p.detail ?? ''} Try again in ${wait ?? 'a few'} seconds.`;
    case 503:
    case 504: return `${p.title ?? 'The LLM service is unavailable'}. Retry${wait ? ` in ${wait} seconds` : ''}.`;
    default: return `${p.title ?? `HTTP ${error.status}`}: ${p.detail ?? ''}`;
  }
}
