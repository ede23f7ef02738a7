// HTTP client for the v1 API, with a small client-side cache of scene results.
//
// URLs are relative so the app also works behind a reverse proxy under a path prefix.

const BASE = "api/v1/";

export class ApiError extends Error {
  constructor(status, message, detail) {
    super(message);
    this.status = status;
    this.detail = detail;
  }
}

export class Api {
  /**
   * @param maxEntries  results kept at most
   * @param maxChars    total size of the kept results as JSON text (a phone has little memory)
   */
  constructor({ maxEntries = 96, maxChars = 24_000_000 } = {}) {
    this.maxEntries = maxEntries;
    this.maxChars = maxChars;
    this.cache = new Map(); // url -> {data, size}, in LRU order
    this.chars = 0;
    this.inflight = new Map(); // url -> Promise<outcome>
  }

  async scenes() {
    const r = await fetch(`${BASE}scenes`, { headers: { Accept: "application/json" } });
    if (!r.ok) throw new ApiError(r.status, `The server answered ${r.status} for the scene list.`);
    return r.json();
  }

  /** Canonical result URL: parameters in schema order, then any extra ones as given. */
  sceneUrl(id, params) {
    const qs = Object.entries(params)
      .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`)
      .join("&");
    return `${BASE}scenes/${encodeURIComponent(id)}${qs ? `?${qs}` : ""}`;
  }

  cached(url) {
    const hit = this.cache.get(url);
    if (hit === undefined) return undefined;
    this.cache.delete(url);
    this.cache.set(url, hit);
    return hit.data;
  }

  _store(url, data, size) {
    if (size > this.maxChars / 4 || this.cache.has(url)) return;
    this.cache.set(url, { data, size });
    this.chars += size;
    while (this.cache.size > this.maxEntries || this.chars > this.maxChars) {
      const [oldest, entry] = this.cache.entries().next().value;
      this.cache.delete(oldest);
      this.chars -= entry.size;
    }
  }

  /**
   * Fetch one scene result. Resolves (never rejects) to {ok: true, data} or
   * {ok: false, status, message, detail}. Identical concurrent requests share one fetch.
   */
  result(url) {
    const pending = this.inflight.get(url);
    if (pending) return pending;
    const p = this._fetch(url).finally(() => this.inflight.delete(url));
    this.inflight.set(url, p);
    return p;
  }

  async _fetch(url) {
    let r;
    try {
      r = await fetch(url, { headers: { Accept: "application/json" } });
    } catch {
      return { ok: false, status: 0, message: "Cannot reach the approxlab server. Is it still running?" };
    }
    let body = null;
    let size = 0;
    try {
      const text = await r.text();
      size = text.length;
      body = JSON.parse(text);
    } catch {
      body = null;
    }
    if (r.ok && body) {
      this._store(url, body, size);
      return { ok: true, data: body };
    }
    const message =
      (body && typeof body.message === "string" && body.message) ||
      `The server answered ${r.status} ${r.statusText || ""}`.trim();
    return { ok: false, status: r.status, message, detail: body ? body.detail : null };
  }
}
