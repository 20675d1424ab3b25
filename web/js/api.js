// api.js — the JSON API (docs/api.md) as the interface calls it: the
// session cookie goes by itself, the CSRF token from login or /me goes in
// X-CSRF-Token on every state-changing request, and an error answer
// becomes an ApiError carrying the API's stable code and message.
let csrf = '';

export class ApiError extends Error {
  constructor(status, code, message, extra) {
    super(message || code);
    this.status = status;
    this.code = code;
    this.extra = extra || {};
  }
}

export function setCsrf(token) { csrf = token || ''; }

export async function api(method, path, body) {
  const opts = { method, credentials: 'same-origin', headers: {} };
  if (method !== 'GET') {
    opts.headers['X-CSRF-Token'] = csrf;
    if (body !== undefined) {
      opts.headers['Content-Type'] = 'application/json';
      opts.body = JSON.stringify(body);
    }
  }
  let r;
  try {
    r = await fetch(`/api/v1${path}`, opts);
  } catch (e) {
    throw new ApiError(0, 'offline', String(e && e.message || e));
  }
  let j = null;
  try { j = await r.json(); } catch (e) { j = null; }
  if (!r.ok && !(r.status === 207 && j)) {
    const err = (j && j.error) || {};
    throw new ApiError(r.status, err.code || `http_${r.status}`, err.message || r.statusText, err);
  }
  return j;
}

export const get = (p) => api('GET', p);
export const post = (p, b) => api('POST', p, b === undefined ? {} : b);
export const del = (p) => api('DELETE', p);
export const patch = (p, b) => api('PATCH', p, b);

// a team's resource path
export const team = (id, rest = '') => `/teams/${encodeURIComponent(id)}${rest}`;
