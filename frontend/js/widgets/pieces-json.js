// pieces-json: a panel below the plots where a network typed as JSON is sent to an endpoint
// that counts its affine pieces (POST, body {"layers": [{"weight", "bias"}, …], "domain"}).
//
// config: {endpoint}
// The textarea stays in the panel (never in the URL: it can be long); its text survives
// re-renders and, for this page's lifetime, leaving the scene and coming back.

import { escapeHtml, formatNumber } from "../format.js";
import { renderChecks } from "../panels.js";
import { layoutFor, PLOT_CONFIG, plotFontSize, toPlotly } from "../plots.js";

/**
 * The examples come from the server (GET …/scenes/{id}/networks, the body format of this
 * endpoint): Δ^L as the sawtooth scene builds it, and He-initialised random networks as
 * the pieces scene draws them. `path` is relative to the endpoint's directory.
 */
const sawtooth = (nets) => nets.find((n) => String(n.name).startsWith("Δ^")); // not f∘Δ^L
const sampled = (nets) => nets.find((n) => typeof n.seed === "number"); // not the zigzag

export const PRESETS = [
  { label: "Δ", title: "the hat function Δ: 3 nodes, 2 layers (the sawtooth scene's network)", path: () => "scenes/sawtooth/networks?L=1", pick: sawtooth, domain: [0, 1] },
  { label: "Δ∘Δ", title: "Δ∘Δ: 6 nodes, 3 layers — the inner output merged into the next input (the sawtooth scene's network)", path: () => "scenes/sawtooth/networks?L=2", pick: sawtooth, domain: [0, 1] },
  { label: "Δ³", title: "Δ∘Δ∘Δ: 9 nodes, 4 layers (the sawtooth scene's network)", path: () => "scenes/sawtooth/networks?L=3", pick: sawtooth, domain: [0, 1] },
  {
    label: "random width 8, depth 3",
    title: "a new random network from the pieces scene: 3 layers, 8 units per hidden layer, He-initialised, on [−1, 1]",
    path: () => `scenes/pieces/networks?width=8&depth=3&samples=1&bias_std=0.5&seed=${Math.floor(Math.random() * 1000001)}`,
    pick: sampled,
    domain: [-1, 1],
  },
];

/** JSON text with one layer per line. */
export function formatBody(body) {
  const flat = (v) => JSON.stringify(v).replace(/,/g, ", ");
  if (!body || !Array.isArray(body.layers)) return JSON.stringify(body, null, 2);
  const layers = body.layers.map((l) => `    {"weight": ${flat(l.weight)}, "bias": ${flat(l.bias)}}`).join(",\n");
  return `{\n  "layers": [\n${layers}\n  ],\n  "domain": ${flat(body.domain ?? [0, 1])}\n}`;
}

/** The first text: an example of the body format (Δ∘Δ written as two copies of Δ). */
export const DEFAULT_TEXT = `{
  "layers": [
    {"weight": [[1], [1], [1]], "bias": [0, -0.5, -1]},
    {"weight": [[2, -4, 2]], "bias": [0]},
    {"weight": [[1], [1], [1]], "bias": [0, -0.5, -1]},
    {"weight": [[2, -4, 2]], "bias": [0]}
  ],
  "domain": [0, 1]
}`;

/**
 * Where JSON text stops being valid, browser-independently (JSON.parse's messages differ
 * and some carry no position): {pos, line, column, expected, found} or null if valid.
 */
export function locateJsonError(text) {
  const n = text.length;
  let i = 0;
  const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
  const fail = (expected) => {
    throw { pos: i, expected };
  };
  const ws = () => {
    while (i < n && (text[i] === " " || text[i] === "\t" || text[i] === "\n" || text[i] === "\r")) i++;
  };
  const string = () => {
    i++;
    while (i < n) {
      const c = text[i];
      if (c === '"') {
        i++;
        return;
      }
      if (c === "\\") {
        const e = text[i + 1];
        if (e === "u" ? !/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6)) : !'"\\/bfnrt'.includes(e ?? "x")) {
          i++;
          fail("a valid escape");
        }
        i += e === "u" ? 6 : 2;
        continue;
      }
      if (c < " ") fail('a closing "');
      i++;
    }
    fail('a closing "');
  };
  const value = () => {
    ws();
    if (i >= n) fail("a value");
    const c = text[i];
    if (c === "{") {
      i++;
      ws();
      if (text[i] === "}") {
        i++;
        return;
      }
      for (;;) {
        ws();
        if (text[i] !== '"') fail('a "quoted" key');
        string();
        ws();
        if (text[i] !== ":") fail('":"');
        i++;
        value();
        ws();
        if (text[i] === ",") {
          i++;
          continue;
        }
        if (text[i] === "}") {
          i++;
          return;
        }
        fail('"," or "}"');
      }
    }
    if (c === "[") {
      i++;
      ws();
      if (text[i] === "]") {
        i++;
        return;
      }
      for (;;) {
        value();
        ws();
        if (text[i] === ",") {
          i++;
          continue;
        }
        if (text[i] === "]") {
          i++;
          return;
        }
        fail('"," or "]"');
      }
    }
    if (c === '"') return string();
    NUMBER.lastIndex = i;
    if (NUMBER.exec(text)) {
      i = NUMBER.lastIndex;
      return;
    }
    for (const lit of ["true", "false", "null"]) {
      if (text.startsWith(lit, i)) {
        i += lit.length;
        return;
      }
    }
    fail("a value");
  };
  try {
    value();
    ws();
    if (i < n) fail("the end of the text");
    return null;
  } catch (e) {
    if (!e || typeof e.pos !== "number") throw e;
    const before = text.slice(0, e.pos);
    const line = before.split("\n").length;
    const column = e.pos - before.lastIndexOf("\n");
    const found = e.pos < n ? JSON.stringify(text.slice(e.pos, e.pos + 12).split("\n")[0] || text[e.pos]) : "the end of the text";
    return { pos: e.pos, line, column, expected: e.expected, found };
  }
}

const memory = new Map(); // scene id → textarea text, for this page's lifetime

let uid = 0;

function el(tag, attrs = {}, children = []) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === "class") e.className = v;
    else if (k === "text") e.textContent = v;
    else if (k === "html") e.innerHTML = v;
    else e.setAttribute(k, v === true ? "" : String(v));
  }
  for (const c of children) if (c) e.append(c);
  return e;
}

/** Value of y = f(x) for a piecewise-linear f given by its knots (xs increasing). */
function interpolate(xs, ys, x) {
  let lo = 0;
  let hi = xs.length - 1;
  if (hi < 0) return NaN;
  if (x <= xs[0]) return ys[0];
  if (x >= xs[hi]) return ys[hi];
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (xs[mid] <= x) lo = mid;
    else hi = mid;
  }
  const t = xs[hi] === xs[lo] ? 0 : (x - xs[lo]) / (xs[hi] - xs[lo]);
  return ys[lo] + t * (ys[hi] - ys[lo]);
}

export class PiecesJson {
  constructor(config, host, scene) {
    this.host = host;
    this.key = scene.id;
    const ep = String(config.endpoint || "");
    // relative to the page, so approxlab also works under a path prefix
    this.endpoint = /^[a-z][a-z0-9+.-]*:/i.test(ep) ? ep : ep.replace(/^\/+/, "");
    this.seq = 0;
    this.presetSeq = 0;
    this.good = null; // last good response
    this.resizer = null;
    const plots = host.view?.plots;
    if (!this.endpoint || (plots && !plots.includes(String(config.type)))) return; // plots=… leaves it out
    this.build();
    this.count();
  }

  build() {
    uid += 1;
    const id = `pj-${uid}`;
    const title = el("h2", { class: "panel-title", id: `${id}-title`, text: "Count the pieces of your own network" });
    const intro = el("p", {
      class: "panel-intro",
      id: `${id}-help`,
      html:
        'A univariate ReLU network as JSON: <code>{"layers": [{"weight": [[…]], "bias": […]}, …], "domain": [a, b]}</code>. ' +
        "<code>weight</code> has one row per unit of the layer; ReLU after every layer but the last; one input, one output. " +
        "The server pushes the knots through the network layer by layer and counts the affine pieces exactly.",
    });
    this.textarea = el("textarea", {
      id: `${id}-json`,
      class: "json-input",
      rows: 11,
      spellcheck: "false",
      autocapitalize: "off",
      autocomplete: "off",
      wrap: "soft",
      "aria-describedby": `${id}-help ${id}-error`,
    });
    this.textarea.value = memory.get(this.key) ?? DEFAULT_TEXT;
    this.fitRows();
    const label = el("label", { class: "control-label", for: this.textarea.id, text: "Network (JSON)" });
    this.countButton = el("button", { type: "button", class: "btn btn-primary", text: "Count pieces" });
    const reset = el("button", { type: "button", class: "btn", text: "Reset", title: "back to Δ∘Δ on [0, 1]" });
    const presets = el("div", { class: "presets", role: "group", "aria-label": "Examples" }, [
      el("span", { class: "presets-label", "aria-hidden": "true", text: "Examples:" }),
      ...PRESETS.map((p) => {
        const b = el("button", { type: "button", class: "btn btn-small", text: p.label, title: p.title, "data-preset": p.label });
        b.addEventListener("click", () => this.loadPreset(p));
        return b;
      }),
    ]);
    this.error = el("p", { class: "panel-error", id: `${id}-error`, role: "alert", hidden: true });
    const editor = el("div", { class: "pieces-editor" }, [
      label,
      this.textarea,
      el("div", { class: "panel-actions" }, [this.countButton, reset]),
      presets,
      el("p", { class: "panel-hint widget-hint-keys", text: "Ctrl+Enter counts, too." }),
    ]);
    this.caption = el("p", { class: "pieces-caption", id: `${id}-caption`, "aria-live": "polite" });
    this.plot = el("div", { class: "pieces-plot", role: "group", "aria-labelledby": this.caption.id });
    // own class names: the scene's own metrics (.metric) stay the only ones on the page
    this.numbers = el("dl", { class: "panel-stats" });
    this.checks = el("ul", { class: "checks panel-checks" });
    this.checksSummary = el("p", { class: "checks-summary", hidden: true });
    this.result = el("div", { class: "pieces-result", hidden: true }, [this.caption, this.plot, this.numbers, this.checks]);
    this.section = el("section", { class: "card widget-panel pieces-panel", "aria-labelledby": title.id, "data-widget": "pieces-json" }, [
      title,
      intro,
      this.error,
      el("div", { class: "pieces-grid" }, [editor, this.result]),
    ]);
    this.countButton.addEventListener("click", () => this.count());
    reset.addEventListener("click", () => this.load(DEFAULT_TEXT));
    this.textarea.addEventListener("input", () => {
      memory.set(this.key, this.textarea.value);
      if (this.error.dataset.kind === "local" && !this.error.hidden) this.clearError();
    });
    this.textarea.addEventListener("keydown", (e) => {
      if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) {
        e.preventDefault();
        this.count();
      }
    });
    this.host.panelHost.append(this.section);
  }

  /** As many rows as the text has lines (within limits); the user may still resize it. */
  fitRows() {
    const lines = this.textarea.value.split("\n").length;
    this.textarea.rows = Math.min(20, Math.max(8, lines + 1));
  }

  /** Fetch a preset's network from the server and count it; a newer click wins. */
  async loadPreset(preset) {
    const seq = ++this.presetSeq;
    let text;
    try {
      const url = new URL(preset.path(), new URL(this.endpoint, document.baseURI));
      const r = await fetch(url, { headers: { Accept: "application/json" } });
      let body = null;
      try {
        body = await r.json();
      } catch {
        body = null;
      }
      const net = body && Array.isArray(body.networks) ? preset.pick(body.networks) : null;
      if (!r.ok || !net || !Array.isArray(net.layers)) {
        throw new Error((body && typeof body.message === "string" && body.message) || `the server answered ${r.status}`);
      }
      text = formatBody({ layers: net.layers.map((l) => ({ weight: l.weight, bias: l.bias })), domain: preset.domain });
    } catch (e) {
      if (seq === this.presetSeq && this.section) this.showError(`Could not load the example ${preset.label}: ${e.message}`);
      return;
    }
    if (seq !== this.presetSeq || !this.section) return; // a newer preset, or the scene was left
    this.load(text);
  }

  load(text) {
    this.textarea.value = text;
    this.fitRows();
    memory.set(this.key, text);
    this.count();
  }

  destroy() {
    this.seq += 1; // answers still on their way are dropped
    this.resizer?.disconnect();
    if (this.plot && window.Plotly) window.Plotly.purge(this.plot);
    this.section?.remove();
    this.section = null;
  }

  setState(state) {
    this.section.dataset.state = state;
    if (state === "busy") this.result.setAttribute("aria-busy", "true");
    else this.result.removeAttribute("aria-busy");
    this.countButton.textContent = state === "busy" ? "Counting…" : "Count pieces";
  }

  clearError() {
    this.error.hidden = true;
    this.error.textContent = "";
    this.textarea.removeAttribute("aria-invalid");
    this.result.classList.remove("stale");
  }

  showError(text, { local = false } = {}) {
    this.error.textContent = text;
    this.error.hidden = false;
    this.error.dataset.kind = local ? "local" : "server";
    this.textarea.setAttribute("aria-invalid", "true");
    this.result.classList.toggle("stale", Boolean(this.good));
    this.setState("error");
  }

  async count() {
    if (!this.section) return;
    const text = this.textarea.value;
    const where = locateJsonError(text);
    if (where) {
      this.seq += 1; // an answer for an earlier text must not land now
      this.showError(
        `Not valid JSON at line ${where.line}, column ${where.column}: expected ${where.expected}, found ${where.found}. Nothing was sent.`,
        { local: true },
      );
      this.textarea.focus();
      this.textarea.setSelectionRange(where.pos, Math.min(text.length, where.pos + 1));
      return;
    }
    const seq = ++this.seq;
    this.setState("busy");
    let outcome;
    try {
      const r = await fetch(this.endpoint, {
        method: "POST",
        headers: { "Content-Type": "application/json", Accept: "application/json" },
        body: text,
      });
      let body = null;
      try {
        body = await r.json();
      } catch {
        body = null;
      }
      outcome = r.ok && body ? { ok: true, data: body } : { ok: false, message: (body && typeof body.message === "string" && body.message) || `The server answered ${r.status} ${r.statusText || ""}`.trim() };
    } catch {
      outcome = { ok: false, message: "Cannot reach the approxlab server. Is it still running?" };
    }
    if (seq !== this.seq || !this.section) return; // overtaken, or the scene was left
    if (!outcome.ok) {
      this.showError(outcome.message);
      return;
    }
    this.clearError();
    this.good = outcome.data;
    try {
      await this.draw(outcome.data);
    } catch (e) {
      if (seq === this.seq && this.section) this.showError(`Could not draw the result: ${e.message}`);
      return;
    }
    if (seq === this.seq && this.section) this.setState("ok");
  }

  async draw(r) {
    const xs = r.knots?.x || [];
    const ys = r.knots?.y || [];
    const bx = r.breakpoints || [];
    const by = bx.map((x) => interpolate(xs, ys, x));
    const pieces = r.pieces;
    const [a, b] = [xs[0], xs[xs.length - 1]];
    this.result.hidden = false;
    this.caption.innerHTML = `<strong>${escapeHtml(formatNumber(pieces))}</strong> affine ${pieces === 1 ? "piece" : "pieces"} on [${escapeHtml(formatNumber(a))}, ${escapeHtml(formatNumber(b))}]`;
    const metrics = [
      ["pieces", "affine pieces", r.pieces, "maximal affine pieces on the domain"],
      ["breakpoints", "breakpoints", bx.length, "interior points where the slope changes"],
      ["bound", "bound ∏<sub>j</sub> (m<sub>j</sub> + 1)", r.bound, r.bound_formula],
      ["lemma_4_9_bound", "Lemma 4.9: 2<sup>L−1</sup> ∏<sub>j</sub> m<sub>j</sub>", r.lemma_4_9_bound, "003, Lemma 4.9 as proved"],
      ["layers", "layers L", r.layers, "affine maps"],
      ["nodes", "ReLU nodes", r.nodes, "hidden units in total"],
      ["hidden_widths", "hidden widths m<sub>j</sub>", (r.hidden_widths || []).join(", ") || "none", "units per hidden layer"],
      ["regions", "activation regions per hidden layer", (r.regions || []).join(", ") || "—", "regions of the domain after each hidden layer"],
    ];
    this.numbers.replaceChildren(
      ...metrics.map(([key, label, value, title]) => {
        const row = el("div", { class: "panel-stat", "data-stat": key });
        const dd = el("dd", { class: "panel-stat-value", text: typeof value === "number" ? formatNumber(value) : String(value) });
        if (typeof value === "number") dd.title = String(value);
        row.append(el("dt", { class: "panel-stat-label", html: label, title }), dd);
        return row;
      }),
    );
    renderChecks(this.checks, this.checksSummary, r.checks || []);  // evaluated by the server

    const Plotly = await this.host.plotly();
    if (!this.section) return;
    const plot = {
      id: "pieces-json",
      x: { label: "x", log: false },
      y: { label: "N(x)", log: false },
      traces: [
        { name: "N(x), the network", kind: "line", style: "construction", x: xs, y: ys },
        { name: `breakpoints (${bx.length})`, kind: "markers", style: "highlight", x: bx, y: by },
      ],
    };
    const fontSize = plotFontSize();
    const traces = plot.traces.map((t, j) => toPlotly(t, j, fontSize));
    const layout = layoutFor(plot, { uirevision: "pieces-json", fontSize, compact: false });
    await Plotly.react(this.plot, traces, layout, PLOT_CONFIG);
    if (!this.resizer && typeof ResizeObserver === "function") {
      this.resizer = new ResizeObserver(() => {
        const full = this.plot._fullLayout;
        if (!full || !window.Plotly) return;
        const w = this.plot.clientWidth;
        const h = this.plot.clientHeight;
        if (Math.abs(full.width - w) > 1 || Math.abs(full.height - h) > 1) window.Plotly.Plots.resize(this.plot);
      });
      this.resizer.observe(this.plot);
    }
  }
}
