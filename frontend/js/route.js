// The whole view lives in the hash:  #/<scene-id>?<param>=<value>&...&embed=1&controls=a,b
//
// View options (VIEW_KEYS) change how the scene is shown; they stay in the URL but are
// never sent to the API. Everything else is a scene parameter.

export const VIEW_KEYS = ["embed", "controls", "plots", "checks", "present", "theme"];

function truthy(v) {
  return v !== undefined && v !== null && !["0", "false", "no", "off"].includes(v.toLowerCase());
}

function list(v) {
  if (v === undefined || v === null) return null;
  return v
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
}

/**
 * Parse a location hash. Returns {isRoute, id, params, view} where `params` maps names to
 * the raw strings of the URL and `view` = {embed: bool, controls: string[]|null,
 * plots: string[]|null, raw: {key: string}}.
 */
export function parseHash(hash) {
  const h = (hash || "").replace(/^#/, "");
  const empty = { embed: false, controls: null, plots: null, checks: true, present: false, theme: null, raw: {} };
  if (h === "" || h === "/") return { isRoute: true, id: null, params: {}, view: empty };
  if (!h.startsWith("/")) return { isRoute: false, id: null, params: {}, view: empty };
  const q = h.indexOf("?");
  const path = q < 0 ? h.slice(1) : h.slice(1, q);
  const query = q < 0 ? "" : h.slice(q + 1);
  let id;
  try {
    id = decodeURIComponent(path.replace(/\/+$/, ""));
  } catch {
    id = path;
  }
  const params = {};
  const raw = {};
  for (const [k, v] of new URLSearchParams(query)) {
    if (VIEW_KEYS.includes(k)) raw[k] = v;
    else params[k] = v;
  }
  const view = {
    embed: truthy(raw.embed),
    controls: list(raw.controls),
    plots: list(raw.plots),
    // checks=0 hides the one-line check summary (embeds); present=1 is presenter mode;
    // theme=light|dark|contrast overrides prefers-color-scheme / forced-colors.
    checks: raw.checks === undefined ? true : truthy(raw.checks),
    present: truthy(raw.present),
    theme: raw.theme || null,
    raw,
  };
  return { isRoute: true, id: id || null, params, view };
}

function enc(s) {
  // Keep the URL readable: commas (controls=a,b) and a few safe characters unescaped.
  return encodeURIComponent(s).replace(/%2C/gi, ",").replace(/%2F/gi, "/");
}

/** Build the hash for a scene, its parameters (in the given order) and the raw view options. */
export function buildHash(id, params, viewRaw = {}) {
  const parts = [];
  for (const [k, v] of Object.entries(params)) parts.push(`${enc(k)}=${enc(v)}`);
  for (const k of VIEW_KEYS) {
    if (viewRaw[k] !== undefined) parts.push(`${k}=${enc(viewRaw[k])}`);
  }
  return `#/${enc(id)}${parts.length ? `?${parts.join("&")}` : ""}`;
}

/** A key that changes whenever the chrome of the view (not the parameters) changes. */
export function viewKey(view) {
  return JSON.stringify([view.embed, view.controls, view.plots, view.checks, view.present, view.theme]);
}
