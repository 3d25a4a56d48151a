// The server's kiosk API (docs/api.md), relative to the app at /kiosk/.
// Every call resolves to {status, body, retryAfter, fromCache}; status 0
// means the network failed (offline, server down), which callers treat like
// a 5xx; fromCache marks the service worker's last good copy of a GET.

const BASE = new URL('../api/v1/', document.baseURI);

/** Api talks to /api/v1 with the device's bearer token. */
export class Api {
  /**
   * @param {object} o
   * @param {function} o.token  returns the current device token or null
   * @param {function} o.lang   returns the current language, sent as Accept-Language
   * @param {function} [o.onResult] sees every result, so the app knows whether the server answers
   */
  constructor(o) {
    this.token = o.token;
    this.lang = o.lang;
    this.onResult = o.onResult || (() => {});
  }

  async call(method, path, opts) {
    const res = await this.#fetch(method, path, opts);
    this.onResult(res);
    return res;
  }

  async #fetch(method, path, { body, auth = true, timeoutMs = 15000 } = {}) {
    const headers = { 'Accept': 'application/json', 'Accept-Language': this.lang() };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    const tok = this.token();
    if (auth && tok) headers['Authorization'] = 'Bearer ' + tok;
    const ctl = new AbortController();
    const timer = setTimeout(() => ctl.abort(), timeoutMs);
    try {
      const res = await fetch(new URL(path, BASE), {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: ctl.signal,
        cache: 'no-cache', // revalidate (ETag) rather than trust a stale HTTP cache
      });
      let data = null;
      if (res.status !== 204) {
        const text = await res.text();
        try {
          data = text ? JSON.parse(text) : null;
        } catch {
          data = null;
        }
      }
      return {
        status: res.status,
        body: data,
        retryAfter: retryAfter(res.headers.get('Retry-After')),
        fromCache: res.headers.get('X-Kiosk-From-Cache') === '1', // the service worker's offline copy
      };
    } catch {
      return { status: 0, body: null, retryAfter: 0 };
    } finally {
      clearTimeout(timer);
    }
  }

  messages(lang) {
    return this.call('GET', 'kiosk/messages?lang=' + encodeURIComponent(lang), { auth: false });
  }
  pair(code, appVersion) {
    return this.call('POST', 'kiosk/pair', { body: { code, app_version: appVersion }, auth: false });
  }
  config() {
    return this.call('GET', 'kiosk/config');
  }
  survey(id) {
    return this.call('GET', 'surveys/' + encodeURIComponent(id));
  }
  submit(body) {
    return this.call('POST', 'responses', { body });
  }
  heartbeat(body) {
    return this.call('POST', 'kiosk/heartbeat', { body });
  }
}

/** retryAfter reads a Retry-After header (seconds or an HTTP date) as milliseconds. */
function retryAfter(v) {
  if (!v) return 0;
  const n = Number(v);
  if (Number.isFinite(n)) return Math.max(0, n * 1000);
  const t = Date.parse(v);
  return Number.isFinite(t) ? Math.max(0, t - Date.now()) : 0;
}

/** errorText picks the server's localized message from an error body, if any. */
export function errorText(body) {
  return body && body.error && typeof body.error.message === 'string' ? body.error.message : '';
}
