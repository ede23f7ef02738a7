// The network panel (issue 14.2 / 14.3): the network a scene builds, samples or trains,
// as the server exports it (GET /api/v1/scenes/{id}/networks) — a diagram, each node's
// weights, bias and output, the per-unit view of two-layer networks, and downloads.
//
// Self-contained: it listens to `approxlab:render`, owns one button in #scene-actions
// (data-action="network") and one section in #scene-extras (#network-panel).  Networks are
// fetched only while the panel is open (debounced, cached by URL, stale replies ignored).

import { escapeHtml, formatNumber, richText } from "./format.js";
import { PLOT_CONFIG, layoutFor, plotFontSize, roleColour } from "./plots.js";

const DEBOUNCE_MS = 200;
const CACHE_MAX = 12;
const SHOW_ALL = 60; // columns up to this many nodes are drawn in full …
const SHOW_ENDS = 24; // … beyond, the first and last this many and "… n more"
const MAX_EDGES = 700; // per layer; beyond, the largest |w| only
const TOP_WEIGHTS = 8; // incoming weights listed in the node box
const SUB = { 0: "₀", 1: "₁", 2: "₂", 3: "₃", 4: "₄", 5: "₅", 6: "₆", 7: "₇", 8: "₈", 9: "₉" };

// The activations of theory/core/activations.py (the names /networks returns).
const ACTIVATIONS = {
  relu: (z) => (z > 0 ? z : 0),
  threshold: (z) => (z >= 0 ? 1 : 0),
  sigmoid: (z) => 0.5 * (1 + Math.tanh(0.5 * z)),
  tanh: Math.tanh,
  softplus: (z) => (z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z))),
  exp: Math.exp,
  cos: Math.cos,
  identity: (z) => z,
  square: (z) => z * z,
  cube: (z) => z * z * z,
};
const ACTIVATION_WORDS = {
  relu: "ReLU, max(z, 0)",
  threshold: "threshold, 1[z ≥ 0]",
  sigmoid: "sigmoid",
  tanh: "tanh",
  softplus: "softplus",
  exp: "exp",
  cos: "cos",
  identity: "identity (linear)",
  square: "square, z²",
  cube: "cube, z³",
  "softmax-attention": "softmax attention",
};

const state = {
  scene: null,
  params: null,
  result: null,
  url: null, // the networks URL for what is on screen
  shownUrl: null, // the URL whose networks the panel shows
  token: 0,
  timer: null,
  cache: new Map(), // url -> Promise<data>
  data: null,
  index: 0,
  net: null,
  fwd: null, // lazily computed forward pass on the domain grid
  domain: null,
  focus: { layer: 1, unit: 0 },
  unit: 0, // highlighted unit of the per-unit view
};

const sub = (n) => String(n).replace(/[0-9]/g, (c) => SUB[c]);
const SUP = { 0: "⁰", 1: "¹", 2: "²", 3: "³", 4: "⁴", 5: "⁵", 6: "⁶", 7: "⁷", 8: "⁸", 9: "⁹", "+": "⁺", "-": "⁻", "−": "⁻", n: "ⁿ", i: "ⁱ" };
const toSup = (t) => ([...t].every((c) => c in SUP) ? [...t].map((c) => SUP[c]).join("") : null);
/** Names as plain text (option labels, aria-labels): x^4 → x⁴, h_3 → h₃ where Unicode has them. */
function plainMath(s) {
  return String(s)
    .replace(/\^\{([^{}]*)\}|\^\(([^()]*)\)|\^([0-9]+)(?![.0-9])/g, (m, a, b, c) => toSup(a ?? b ?? c) ?? m)
    .replace(/_([0-9]+)(?![A-Za-z0-9])/g, (m, d) => sub(d));
}
const $ = (sel, root = document) => root.querySelector(sel);

// ---------------------------------------------------------------- DOM

let dom = null;

function ensureDom() {
  if (dom && dom.panel.isConnected) return dom;
  const extras = document.getElementById("scene-extras");
  if (!extras) return null;
  let panel = document.getElementById("network-panel");
  if (!panel) {
    panel = document.createElement("section");
    panel.id = "network-panel";
    panel.className = "net-panel";
    panel.dataset.networkPanel = "";
    panel.setAttribute("aria-labelledby", "net-title");
    panel.innerHTML = `
      <details class="net-details">
        <summary class="net-summary"><h2 class="net-title" id="net-title">Network</h2>
          <span class="net-hint">the network behind f: diagram, weights, unit by unit, downloads</span></summary>
        <div class="net-body">
          <p class="net-status" role="status" aria-live="polite"></p>
          <div class="net-pick" hidden>
            <label class="net-select-label"><span>Network</span> <select class="net-select" data-net-select></select></label>
          </div>
          <p class="net-header" data-net-header></p>
          <ul class="net-notes" data-net-notes></ul>
          <div class="net-main">
            <figure class="net-figure">
              <div class="net-diagram" data-net-diagram></div>
              <figcaption class="net-legend"><span class="net-key net-key-pos" aria-hidden="true"></span> positive weight
                <span class="net-key net-key-neg" aria-hidden="true"></span> negative weight; thicker and darker = larger |w|.
                Hover a node, or focus one (Tab) and move with the arrow keys. <span class="net-omitted" data-net-omitted></span></figcaption>
            </figure>
            <aside class="net-info" data-net-info aria-live="polite" aria-label="The selected node"></aside>
          </div>
          <section class="net-units" data-net-units aria-labelledby="net-units-title" hidden>
            <h3 class="net-units-title" id="net-units-title">Unit by unit</h3>
            <p class="net-units-caption" data-net-units-caption></p>
            <div class="net-units-plot" id="net-units-plot"></div>
            <label class="net-stack" data-net-stack-label><input type="checkbox" data-net-stack> <span>Stack the units into f, in the order they switch on (the bricks) <span class="net-stack-note" data-net-stack-note></span></span></label>
            <label class="net-unit-pick"><span>Highlighted unit</span>
              <input type="range" min="1" max="1" step="1" value="1" data-net-unit>
              <output data-net-unit-out></output></label>
          </section>
          <div class="net-downloads" role="group" aria-label="Download the network">
            <span class="net-downloads-label">Download</span>
            <button type="button" class="net-button" data-net-download="json">JSON</button>
            <button type="button" class="net-button" data-net-download="numpy">NumPy snippet</button>
            <button type="button" class="net-button" data-net-download="torch">PyTorch snippet</button>
          </div>
        </div>
      </details>`;
    extras.prepend(panel);
  }
  dom = {
    panel,
    details: $(".net-details", panel),
    summary: $(".net-summary", panel),
    status: $(".net-status", panel),
    pick: $(".net-pick", panel),
    select: $("[data-net-select]", panel),
    header: $("[data-net-header]", panel),
    notes: $("[data-net-notes]", panel),
    diagram: $("[data-net-diagram]", panel),
    info: $("[data-net-info]", panel),
    omitted: $("[data-net-omitted]", panel),
    units: $("[data-net-units]", panel),
    unitsCaption: $("[data-net-units-caption]", panel),
    unitsPlot: $("#net-units-plot", panel),
    unitRange: $("[data-net-unit]", panel),
    unitOut: $("[data-net-unit-out]", panel),
    stack: $("[data-net-stack]", panel),
    stackLabel: $("[data-net-stack-label]", panel),
    stackNote: $("[data-net-stack-note]", panel),
  };
  dom.stack.addEventListener("change", () => plotUnits());
  dom.details.addEventListener("toggle", () => {
    if (dom.details.open) schedule(0);
  });
  dom.select.addEventListener("change", () => {
    state.index = Number(dom.select.value) || 0;
    showNetwork();
  });
  dom.unitRange.addEventListener("input", () => {
    highlightUnit(Number(dom.unitRange.value) - 1, { fromSlider: true });
  });
  for (const b of panel.querySelectorAll("[data-net-download]")) {
    b.addEventListener("click", () => download(b.dataset.netDownload));
  }
  // Keys and scrolling move nodes under a resting mouse pointer: only a moving pointer selects.
  dom.diagram.addEventListener("pointermove", (e) => {
    const node = e.target.closest?.(".net-node");
    if (!node || node.classList.contains("selected")) return;
    selectNode(Number(node.dataset.layer), Number(node.dataset.unit), { from: "hover" });
  });
  dom.diagram.addEventListener("focusin", (e) => {
    const node = e.target.closest?.(".net-node");
    if (node) selectNode(Number(node.dataset.layer), Number(node.dataset.unit), { from: "focus" });
  });
  dom.diagram.addEventListener("keydown", onKey);
  return dom;
}

function actionButton() {
  const bar = document.getElementById("scene-actions");
  if (!bar) return null;
  let b = bar.querySelector('[data-action="network"]');
  if (!b) {
    b = document.createElement("button");
    b.type = "button";
    b.className = "action-button net-show";
    b.dataset.action = "network";
    b.textContent = "Show the network";
    b.setAttribute("aria-controls", "network-panel");
    b.addEventListener("click", () => {
      const d = ensureDom();
      if (!d) return;
      d.details.open = true;
      schedule(0);
      d.panel.scrollIntoView({ block: "start", behavior: "smooth" });
      d.summary.focus({ preventScroll: true });
    });
    bar.append(b);
  }
  return b;
}

// ---------------------------------------------------------------- fetching

function networksUrl(sceneId, params) {
  const qs = Object.entries(params || {})
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`)
    .join("&");
  return `api/v1/scenes/${encodeURIComponent(sceneId)}/networks${qs ? `?${qs}` : ""}`;
}

function schedule(delay = DEBOUNCE_MS) {
  clearTimeout(state.timer);
  if (!dom || !dom.details.open || !state.url || state.url === state.shownUrl) return;
  state.timer = setTimeout(load, delay);
}

function fetchNetworks(url) {
  let p = state.cache.get(url);
  if (p) {
    state.cache.delete(url); // LRU order
    state.cache.set(url, p);
    return p;
  }
  p = fetch(url, { headers: { Accept: "application/json" } }).then(async (r) => {
    const body = await r.json().catch(() => null);
    if (!r.ok) throw new Error(body?.message || `The server answered ${r.status}.`);
    return body;
  });
  p.catch(() => state.cache.delete(url));
  state.cache.set(url, p);
  while (state.cache.size > CACHE_MAX) state.cache.delete(state.cache.keys().next().value);
  return p;
}

async function load() {
  const url = state.url;
  const token = ++state.token;
  dom.panel.setAttribute("aria-busy", "true");
  dom.status.textContent = "Loading the network…";
  try {
    const data = await fetchNetworks(url);
    if (token !== state.token) return; // a newer request went out: ignore this reply
    state.data = data;
    state.shownUrl = url;
    dom.status.textContent = "";
    showData();
  } catch (e) {
    if (token !== state.token) return;
    state.shownUrl = null;
    state.data = null;
    state.net = null;
    clearView();
    dom.status.textContent = `The network could not be loaded: ${e.message}`;
    dom.panel.dataset.state = "error";
  } finally {
    if (token === state.token) dom.panel.removeAttribute("aria-busy");
  }
}

// ---------------------------------------------------------------- showing

function showData() {
  const nets = state.data.networks || [];
  const prev = state.net ? state.net.name : null;
  const keep = nets.findIndex((n) => n.name === prev);
  state.index = keep >= 0 ? keep : Math.min(state.index, Math.max(nets.length - 1, 0));
  dom.pick.hidden = nets.length < 2;
  dom.select.replaceChildren(
    ...nets.map((n, i) => {
      const o = document.createElement("option");
      o.value = String(i);
      o.textContent = plainMath(n.name);
      return o;
    }),
  );
  dom.select.value = String(state.index);
  showNetwork();
}

function paramCount(net) {
  return net.layers.reduce((s, l) => s + l.bias.length + l.weight.length * (l.weight[0]?.length || 0), 0);
}

function widths(net) {
  return [net.input_dim, ...net.layers.map((l) => l.bias.length)];
}

function showNetwork() {
  const net = (state.data.networks || [])[state.index];
  state.net = net || null;
  state.fwd = null;
  dom.panel.dataset.state = net ? "ready" : "empty";
  if (!net) {
    dom.header.textContent = "This scene exports no network for these parameters.";
    dom.diagram.replaceChildren();
    dom.info.replaceChildren();
    dom.units.hidden = true;
    return;
  }
  state.domain = net.input_dim === 1 ? findDomain(net, state.result) : null;
  const w = widths(net);
  const parts = [
    `Activation: ${ACTIVATION_WORDS[net.activation] || net.activation}`,
    `layer widths ${w.map((n) => formatNumber(n)).join(" → ")}`,
    `${formatNumber(paramCount(net))} parameters`,
  ];
  if (net.seed !== undefined && net.seed !== null) parts.push(`seed ${net.seed}`);
  if (state.domain) parts.push(`input on [${formatNumber(state.domain[0])}, ${formatNumber(state.domain[1])}]`);
  dom.header.textContent = `${parts.join(" · ")}.`;
  dom.notes.replaceChildren(
    ...(net.notes || []).map((t) => {
      const li = document.createElement("li");
      li.innerHTML = richText(t);
      return li;
    }),
  );
  drawDiagram(net);
  const last = net.layers.length;
  const f = state.focus;
  const valid = f.layer >= 0 && f.layer <= last && f.unit < w[f.layer];
  selectNode(valid ? f.layer : Math.min(1, last), valid ? f.unit : 0, { from: "init" });
  fitDiagram();
  drawUnits(net);
}

/** The input interval of a 1-D network: the x-range of the plotted trace of the same
 *  name (up to the ": …" the export adds), else of the first plot over x. */
function findDomain(net, result) {
  const plots = result?.plots || [];
  const base = net.name.split(":")[0].trim();
  const extent = (t) => {
    let lo = Infinity;
    let hi = -Infinity;
    for (const v of t.x || []) {
      if (typeof v === "number" && Number.isFinite(v)) {
        if (v < lo) lo = v;
        if (v > hi) hi = v;
      }
    }
    return hi > lo ? [lo, hi] : null;
  };
  const overX = (p) => !p.x?.log && /^\s*x\b/.test(p.x?.label || "");
  const named = (p) => (p.traces || []).find((t) => (t.name === net.name || t.name === base) && t.kind !== "heatmap");
  for (const p of [...plots.filter(overX), ...plots.filter((q) => !q.x?.log && !overX(q))]) {
    const t = named(p);
    const e = t && extent(t);
    if (e) return e;
  }
  for (const p of plots) {
    if (!overX(p)) continue;
    for (const t of p.traces || []) {
      if (t.kind === "line" || t.kind === "step") {
        const e = extent(t);
        if (e) return e;
      }
    }
  }
  return [0, 1];
}

// ---------------------------------------------------------------- the diagram

function shownUnits(n) {
  if (n <= SHOW_ALL) return { list: [...Array(n).keys()], gapAfter: -1 };
  const list = [...Array(SHOW_ENDS).keys()];
  for (let i = n - SHOW_ENDS; i < n; i++) list.push(i);
  return { list, gapAfter: SHOW_ENDS - 1 };
}

function nodeName(net, layer, unit) {
  const last = net.layers.length;
  const w = widths(net);
  if (layer === 0) return net.input_dim === 1 ? "the input x" : `input x${sub(unit + 1)}`;
  if (layer === last) return net.output_dim === 1 ? "the output f" : `output ${unit + 1} of ${w[layer]}`;
  const inLayer = last > 2 ? ` in hidden layer ${layer}` : "";
  return `hidden unit ${unit + 1} of ${formatNumber(w[layer])}${inLayer}`;
}

function drawDiagram(net) {
  const w = widths(net);
  const cols = w.map(shownUnits);
  const slots = Math.max(...cols.map((c) => c.list.length + (c.gapAfter >= 0 ? 2 : 0)));
  const spacing = slots > 40 ? 8 : slots > 20 ? 12 : slots > 8 ? 18 : 26;
  const r = Math.max(2.6, Math.min(7, spacing * 0.36));
  const gapX = w.length > 10 ? 84 : w.length > 5 ? 110 : 150;
  const top = 44;
  const width = 70 + (w.length - 1) * gapX + 70;
  const height = top + slots * spacing + 16;
  const ys = cols.map((c) => {
    const n = c.list.length + (c.gapAfter >= 0 ? 2 : 0);
    const y0 = top + (slots - n) * spacing * 0.5 + spacing * 0.5;
    const pos = new Map();
    let k = 0;
    c.list.forEach((u, i) => {
      pos.set(u, y0 + k * spacing);
      k += i === c.gapAfter ? 3 : 1;
    });
    return { pos, gapY: c.gapAfter >= 0 ? y0 + (c.gapAfter + 2) * spacing : null };
  });
  const xs = w.map((_, l) => 70 + l * gapX);
  const out = [];
  out.push(
    `<svg class="net-svg" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="group" aria-label="${escapeHtml(
      `Diagram of ${plainMath(net.name)}: layer widths ${w.join(", ")}`,
    )}">`,
  );
  // edges, per layer: the largest |w| first so the strongest draw on top (reverse order)
  for (let l = 0; l < net.layers.length; l++) {
    const W = net.layers[l].weight;
    const edges = [];
    let max = 0;
    for (const i of cols[l + 1].list) {
      const row = W[i];
      for (const j of cols[l].list) {
        const v = row[j];
        if (v !== 0 && Number.isFinite(v)) {
          edges.push([i, j, v]);
          if (Math.abs(v) > max) max = Math.abs(v);
        }
      }
    }
    edges.sort((a, b) => Math.abs(a[2]) - Math.abs(b[2]));
    const drop = Math.max(0, edges.length - MAX_EDGES);
    out.push(`<g class="net-edges" data-layer="${l + 1}" data-drawn="${edges.length - drop}" data-omitted="${drop}">`);
    for (let e = drop; e < edges.length; e++) {
      const [i, j, v] = edges[e];
      const m = max > 0 ? Math.abs(v) / max : 0;
      out.push(
        `<line class="net-edge ${v > 0 ? "pos" : "neg"}" x1="${xs[l]}" y1="${ys[l].pos.get(j).toFixed(1)}" x2="${xs[l + 1]}" y2="${ys[l + 1].pos
          .get(i)
          .toFixed(1)}" stroke-width="${(0.5 + 2.3 * m).toFixed(2)}" stroke-opacity="${(0.18 + 0.72 * m).toFixed(2)}"/>`,
      );
    }
    out.push("</g>");
  }
  // columns of nodes
  w.forEach((n, l) => {
    const c = cols[l];
    const label = l === 0 ? "input" : l === w.length - 1 ? "output" : net.layers.length > 2 ? `layer ${l}` : "hidden";
    out.push(
      `<g class="net-col" data-layer="${l}" data-width="${n}" data-shown="${c.list.length}">`,
      `<text class="net-col-label" x="${xs[l]}" y="16" text-anchor="middle">${label}</text>`,
      `<text class="net-col-count" x="${xs[l]}" y="31" text-anchor="middle">${formatNumber(n)}</text>`,
    );
    for (const u of c.list) {
      const aria = escapeHtml(nodeName(net, l, u));
      out.push(
        `<circle class="net-node${l === 0 ? " input" : l === w.length - 1 ? " output" : ""}" cx="${xs[l]}" cy="${ys[l].pos
          .get(u)
          .toFixed(1)}" r="${r.toFixed(1)}" data-layer="${l}" data-unit="${u}" tabindex="-1" role="button" aria-label="${aria}"/>`,
      );
    }
    if (c.gapAfter >= 0) {
      out.push(
        `<text class="net-more" x="${xs[l]}" y="${(ys[l].gapY + 4).toFixed(1)}" text-anchor="middle">… ${formatNumber(
          n - c.list.length,
        )} more</text>`,
      );
    }
    out.push("</g>");
  });
  out.push("</svg>");
  dom.diagram.innerHTML = out.join("");
  const svg = dom.diagram.querySelector("svg");
  svg.dataset.width = String(width);
  svg.dataset.height = String(height);
  const omitted = [...dom.diagram.querySelectorAll(".net-edges")].reduce((n, g) => n + Number(g.dataset.omitted), 0);
  const hiddenNodes = w.reduce((n, v, l) => n + v - cols[l].list.length, 0);
  const words = [];
  if (hiddenNodes) words.push(`${formatNumber(hiddenNodes)} nodes are summarised as "… more" (first and last ${SHOW_ENDS} of each large layer drawn)`);
  if (omitted) words.push(`only the ${formatNumber(MAX_EDGES)} largest weights of each layer between drawn nodes are drawn`);
  dom.omitted.textContent = words.length ? `${cap(words.join("; "))}.` : "";
}

/** Shrink a slightly too wide diagram to fit its box; a much wider one (deep networks)
 *  keeps its size and scrolls. */
function fitDiagram() {
  const svg = dom?.diagram.querySelector("svg");
  if (!svg) return;
  const width = Number(svg.dataset.width);
  const height = Number(svg.dataset.height);
  const room = dom.diagram.clientWidth - 2;
  const w = room > 0 && width > room && width * 0.6 <= room ? room : width;
  svg.setAttribute("width", String(w));
  svg.setAttribute("height", String(Math.round((height * w) / width)));
}

let resizeTimer = null;
window.addEventListener("resize", () => {
  clearTimeout(resizeTimer);
  resizeTimer = setTimeout(fitDiagram, 150);
});

function nodeEl(layer, unit) {
  return dom.diagram.querySelector(`.net-node[data-layer="${layer}"][data-unit="${unit}"]`);
}

function onKey(e) {
  const node = e.target.closest?.(".net-node");
  if (!node || !state.net) return;
  const layer = Number(node.dataset.layer);
  const unit = Number(node.dataset.unit);
  const w = widths(state.net);
  const col = (l) => [...dom.diagram.querySelectorAll(`.net-node[data-layer="${l}"]`)].map((n) => Number(n.dataset.unit));
  const here = col(layer);
  const k = here.indexOf(unit);
  let target = null;
  switch (e.key) {
    case "ArrowDown":
      target = [layer, here[Math.min(k + 1, here.length - 1)]];
      break;
    case "ArrowUp":
      target = [layer, here[Math.max(k - 1, 0)]];
      break;
    case "Home":
      target = [layer, here[0]];
      break;
    case "End":
      target = [layer, here[here.length - 1]];
      break;
    case "ArrowLeft":
    case "ArrowRight": {
      const l = layer + (e.key === "ArrowRight" ? 1 : -1);
      if (l < 0 || l >= w.length) return;
      const there = col(l);
      const at = Math.round((k / Math.max(here.length - 1, 1)) * (there.length - 1));
      target = [l, there[Math.max(0, Math.min(at, there.length - 1))]];
      break;
    }
    case "Enter":
    case " ":
      e.preventDefault();
      selectNode(layer, unit, { from: "focus" });
      return;
    default:
      return;
  }
  e.preventDefault();
  const el = nodeEl(target[0], target[1]);
  if (el) el.focus();
}

// ---------------------------------------------------------------- forward pass

/** Post-activation values of every unit of every layer on a grid over the domain. */
function forward(net, xs) {
  const sigma = ACTIVATIONS[net.activation];
  if (!sigma) return null;
  const n = xs.length;
  let z = [Float64Array.from(xs)];
  const layersOut = [z];
  net.layers.forEach((lay, l) => {
    const last = l === net.layers.length - 1;
    const next = lay.weight.map((row, i) => {
      const out = new Float64Array(n).fill(lay.bias[i]);
      row.forEach((wij, j) => {
        if (wij === 0) return;
        const zj = z[j];
        for (let t = 0; t < n; t++) out[t] += wij * zj[t];
      });
      if (!last) for (let t = 0; t < n; t++) out[t] = sigma(out[t]);
      return out;
    });
    layersOut.push(next);
    z = next;
  });
  return layersOut;
}

function gridFor(net) {
  const [a, b] = state.domain;
  const units = widths(net).reduce((s, v) => s + v, 0);
  const n = Math.max(80, Math.min(400, Math.floor(2e6 / Math.max(units, 1))));
  return Array.from({ length: n }, (_, i) => a + ((b - a) * i) / (n - 1));
}

function forwardGrid() {
  const net = state.net;
  if (!state.fwd && net && state.domain && ACTIVATIONS[net.activation]) {
    const xs = gridFor(net);
    state.fwd = { xs, values: forward(net, xs) };
  }
  return state.fwd;
}

// ---------------------------------------------------------------- the node box

function selectNode(layer, unit, { from }) {
  const net = state.net;
  if (!net) return;
  markNode(layer, unit);
  renderInfo(net, layer, unit);
  if (from !== "init" && isTwoLayer1d(net) && layer === 1) highlightUnit(unit, {});
}

/** The selected node: highlighted, and the one node of the diagram in the Tab order. */
function markNode(layer, unit) {
  state.focus = { layer, unit };
  for (const el of dom.diagram.querySelectorAll(".net-node.selected")) el.classList.remove("selected");
  for (const el of dom.diagram.querySelectorAll('.net-node[tabindex="0"]')) el.setAttribute("tabindex", "-1");
  const el = nodeEl(layer, unit);
  if (el) el.classList.add("selected");
  // a unit summarised under "… n more" has no node: its column's first node takes the Tab stop
  const stop = el || dom.diagram.querySelector(`.net-node[data-layer="${layer}"]`) || dom.diagram.querySelector(".net-node");
  if (stop) stop.setAttribute("tabindex", "0");
}

function renderInfo(net, layer, unit) {
  const box = dom.info;
  box.dataset.layer = String(layer);
  box.dataset.unit = String(unit);
  const parts = [`<h3 class="net-info-title">${escapeHtml(cap(nodeName(net, layer, unit)))}</h3>`];
  if (layer === 0) {
    parts.push(`<p>An input: it passes its value on to the first layer.</p>`);
    box.innerHTML = parts.join("");
    return;
  }
  const lay = net.layers[layer - 1];
  const b = lay.bias[unit];
  const row = lay.weight[unit];
  const last = layer === net.layers.length;
  parts.push(
    `<dl class="net-info-list"><dt>bias</dt><dd class="net-bias" data-bias="${escapeHtml(String(b))}" title="${escapeHtml(
      String(b),
    )}">${formatNumber(b === 0 ? 0 : b)}</dd>`,
    `<dt>${last ? "activation" : "then"}</dt><dd>${last ? "none (linear output)" : escapeHtml(ACTIVATION_WORDS[net.activation] || net.activation)}</dd></dl>`,
  );
  const order = row
    .map((v, j) => j)
    .filter((j) => row[j] !== 0)
    .sort((i, j) => Math.abs(row[j]) - Math.abs(row[i]));
  const zeros = row.length - order.length;
  const top = order.slice(0, TOP_WEIGHTS);
  const from = (j) => (layer === 1 ? (net.input_dim === 1 ? "x" : `x${sub(j + 1)}`) : `unit ${j + 1}`);
  parts.push(
    `<p class="net-info-sub">${order.length > TOP_WEIGHTS ? `Incoming weights, the ${TOP_WEIGHTS} largest of ${formatNumber(order.length)}` : "Incoming weights"}${
      zeros ? ` (${formatNumber(zeros)} of ${formatNumber(row.length)} are zero)` : ""
    }</p>`,
    `<ul class="net-weights">${top
      .map(
        (j) =>
          `<li data-source="${j}" data-weight="${escapeHtml(String(row[j]))}"><span class="net-key ${row[j] >= 0 ? "net-key-pos" : "net-key-neg"}" aria-hidden="true"></span>from ${escapeHtml(
            from(j),
          )}: <span title="${escapeHtml(String(row[j]))}">${formatNumber(row[j])}</span></li>`,
      )
      .join("")}</ul>`,
  );
  if (order.length > TOP_WEIGHTS) {
    const rest = Math.abs(row[order[TOP_WEIGHTS]]);
    parts.push(`<p class="net-info-more">and ${formatNumber(order.length - TOP_WEIGHTS)} more, each of size at most ${formatNumber(rest)}.</p>`);
  }
  if (!last) {
    const next = net.layers[layer].weight.map((r) => r[unit]);
    const into = layer + 1 === net.layers.length ? (net.output_dim === 1 ? "f" : "output") : "unit";
    if (next.length === 1) {
      parts.push(`<p class="net-info-more" data-outgoing="${escapeHtml(String(next[0]))}">Outgoing weight to ${into}: ${formatNumber(next[0])}</p>`);
    } else {
      const big = next.reduce((m, v) => (Math.abs(v) > Math.abs(m) ? v : m), 0);
      const nz = next.filter((v) => v !== 0).length;
      parts.push(`<p class="net-info-more">Feeds ${formatNumber(nz)} of the ${formatNumber(next.length)} nodes of the next layer; the largest outgoing weight is ${formatNumber(big)}.</p>`);
    }
  }
  const fwd = net.input_dim === 1 ? forwardGrid() : null;
  if (fwd) {
    const ys = fwd.values[layer][unit];
    parts.push(
      `<p class="net-info-sub">${last ? "Its output f(x)" : "Its output as a function of the input x"}</p>`,
      sparkline(fwd.xs, ys, last ? "construction" : "unit"),
    );
  } else if (net.input_dim !== 1) {
    parts.push(`<p class="net-info-more">The input has ${formatNumber(net.input_dim)} coordinates; its output over the input is drawn in the scene's plots.</p>`);
  }
  box.innerHTML = parts.join("");
}

function cap(s) {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

function sparkline(xs, ys, kind) {
  const W = 240;
  const H = 90;
  const pad = 6;
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of ys) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (!(hi > lo)) {
    hi = lo + 1;
    lo -= 1;
  }
  const x0 = xs[0];
  const x1 = xs[xs.length - 1];
  const px = (x) => pad + ((x - x0) / (x1 - x0)) * (W - 2 * pad);
  const py = (y) => H - pad - ((y - lo) / (hi - lo)) * (H - 2 * pad);
  const pts = xs.map((x, i) => `${px(x).toFixed(1)},${py(ys[i]).toFixed(1)}`).join(" ");
  const zero = lo < 0 && hi > 0 ? `<line class="net-spark-zero" x1="${pad}" x2="${W - pad}" y1="${py(0).toFixed(1)}" y2="${py(0).toFixed(1)}"/>` : "";
  const label = `from ${formatNumber(lo)} to ${formatNumber(hi)} for x from ${formatNumber(x0)} to ${formatNumber(x1)}`;
  return `<figure class="net-spark"><svg viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-label="${escapeHtml(
    `Output ${label}`,
  )}">${zero}<polyline class="net-spark-line ${kind}" points="${pts}"/></svg><figcaption>${escapeHtml(`values ${label}`)}</figcaption></figure>`;
}

// ---------------------------------------------------------------- the per-unit view

function isTwoLayer1d(net) {
  return !!net && net.layers.length === 2 && net.input_dim === 1 && net.output_dim === 1 && !!ACTIVATIONS[net.activation] && !!state.domain;
}

const PIECEWISE = new Set(["threshold", "relu", "identity"]);
const STACK_MAX = 400; // running sums are k curves on the common grid: k² numbers
const SMOOTH_POINTS = 60; // per unit, for activations without kinks

/** Sorted distinct points where f must break: the domain's ends and each unit's kink
 *  −b/w (plus a grid for smooth activations). */
function unitPoints(net, extra = []) {
  const [a, b] = state.domain;
  const W = net.layers[0].weight;
  const B = net.layers[0].bias;
  const pts = [a, b, ...extra];
  W.forEach((row, j) => {
    const w = row[0];
    if (w !== 0) {
      const t = -B[j] / w;
      if (t > a && t < b) pts.push(t);
    }
  });
  if (!PIECEWISE.has(net.activation)) {
    for (let i = 1; i < 300; i++) pts.push(a + ((b - a) * i) / 300);
  }
  pts.sort((p, q) => p - q);
  return pts.filter((v, i) => i === 0 || v > pts[i - 1]);
}

/** Values of a piecewise curve on its points: for threshold units the value on
 *  [pᵢ, pᵢ₊₁) is taken at the midpoint and drawn as a step (exact, no rounding at the
 *  jumps); the last point repeats the last step. */
function evalOn(pts, steps, fn) {
  const n = pts.length;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    if (!steps) out[i] = fn(pts[i]);
    else if (i < n - 1) out[i] = fn(0.5 * (pts[i] + pts[i + 1]));
    else out[i] = n > 1 ? out[i - 1] : fn(pts[i]);
  }
  return out;
}

/** Each unit's contribution aⱼσ(wⱼx + bⱼ) on its own few points (its kink and the ends),
 *  and f = c + Σ on all kinks. */
function unitValues(net) {
  const sigma = ACTIVATIONS[net.activation];
  const steps = net.activation === "threshold";
  const [lo, hi] = state.domain;
  const [L1, L2] = net.layers;
  const a = L2.weight[0];
  const c = L2.bias[0];
  const k = L1.bias.length;
  const w = L1.weight.map((row) => row[0]);
  const bias = L1.bias;
  const pts = unitPoints(net);
  const sum = evalOn(pts, steps, (x) => {
    let acc = c;
    for (let j = 0; j < k; j++) acc += a[j] * sigma(w[j] * x + bias[j]);
    return acc;
  });
  const grid = PIECEWISE.has(net.activation) ? [] : Array.from({ length: SMOOTH_POINTS - 2 }, (_, i) => lo + ((hi - lo) * (i + 1)) / (SMOOTH_POINTS - 1));
  const units = L1.weight.map((_, j) => {
    const own = [lo, hi, ...grid];
    const t = w[j] !== 0 ? -bias[j] / w[j] : null;
    if (t !== null && t > lo && t < hi) own.push(t);
    own.sort((p, q) => p - q);
    return { xs: own, ys: evalOn(own, steps, (x) => a[j] * sigma(w[j] * x + bias[j])) };
  });
  // the order in which the units switch on along x (constant units first)
  const kink = (j) => (w[j] === 0 ? -Infinity : -bias[j] / w[j]);
  const order = units.map((_, j) => j).sort((i, j) => kink(i) - kink(j) || i - j);
  return { xs: pts, units, sum: Array.from(sum), order, outBias: c, steps, shape: steps ? "hv" : "linear" };
}

function drawUnits(net) {
  if (!isTwoLayer1d(net)) {
    dom.units.hidden = true;
    state.units = null;
    return;
  }
  dom.units.hidden = false;
  state.units = unitValues(net);
  const k = net.layers[0].bias.length;
  dom.unitRange.max = String(k);
  dom.stack.disabled = k > STACK_MAX;
  dom.stackLabel.title = k > STACK_MAX ? `Stacking is offered up to ${STACK_MAX} units.` : "";
  dom.stackNote.textContent = k > STACK_MAX ? `(up to ${STACK_MAX} units; this network has ${formatNumber(k)})` : "";
  const thr = net.activation === "threshold";
  state.unitsCaption = thr
    ? `Each of the ${formatNumber(k)} units adds a step aⱼ·1[wⱼx + bⱼ ≥ 0] (thin); their sum plus the output bias ${formatNumber(
        state.units.outBias,
      )} is f (bold)${state.data?.scene === "threshold" ? " — the bricks of Proposition 2.1" : state.data?.scene === "maurey" ? " — the k sampled units of Maurey's lemma" : ""}.`
    : `Each of the ${formatNumber(k)} units contributes aⱼσ(wⱼx + bⱼ) (thin); their sum plus the output bias ${formatNumber(
        state.units.outBias,
      )} is f (bold).`;
  state.unit = Math.min(state.unit, k - 1);
  highlightUnit(state.unit, {});
}

function highlightUnit(j, { fromSlider = false } = {}) {
  const net = state.net;
  if (!state.units || !net) return;
  state.unit = j;
  dom.unitRange.value = String(j + 1);
  const a = net.layers[1].weight[0][j];
  const w = net.layers[0].weight[j][0];
  const b = net.layers[0].bias[j];
  const text = `unit ${j + 1}: ${formatNumber(a)}·σ(${formatNumber(w)}x ${b < 0 ? "−" : "+"} ${formatNumber(Math.abs(b))})`;
  dom.unitOut.textContent = text;
  dom.unitRange.setAttribute("aria-valuetext", text);
  if (fromSlider) {
    markNode(1, j);
    renderInfo(net, 1, j);
  }
  plotUnits();
}

function plotUnits() {
  const P = window.Plotly;
  const u = state.units;
  if (!P || !u || dom.units.hidden) return;
  const stacked = dom.stack.checked && !dom.stack.disabled;
  const j = state.unit;
  dom.unitsCaption.textContent = stacked
    ? `${state.unitsCaption} Stacked: each thin curve is the running sum after one more unit, in the order the units switch on; the highlighted unit fills the strip it adds.`
    : state.unitsCaption;
  const n = u.xs.length;
  // stacked: partial sums c + Σ of the units switched on so far; unit j fills the gap
  // between the partial sums before and after it
  let lower = null;
  let upper = null;
  let curves = u.units;
  if (stacked) {
    const net = state.net;
    const sigma = ACTIVATIONS[net.activation];
    const [L1, L2] = net.layers;
    const acc = new Float64Array(n).fill(u.outBias);
    curves = [];
    for (const i of u.order) {
      if (i === j) lower = Array.from(acc);
      const ai = L2.weight[0][i];
      const wi = L1.weight[i][0];
      const bi = L1.bias[i];
      const vals = evalOn(u.xs, u.steps, (x) => ai * sigma(wi * x + bi));
      for (let t = 0; t < n; t++) acc[t] += vals[t];
      curves.push({ xs: u.xs, ys: Array.from(acc) });
      if (i === j) upper = Array.from(acc);
    }
  }
  const xs = [];
  const ys = [];
  for (const cv of curves) {
    for (let t = 0; t < cv.xs.length; t++) {
      xs.push(cv.xs[t]);
      ys.push(cv.ys[t]);
    }
    xs.push(null);
    ys.push(null);
  }
  const shape = u.shape;
  const traces = [
    {
      type: "scatter",
      mode: "lines",
      name: stacked ? "running sums, unit by unit" : "each unit aⱼσ(wⱼx + bⱼ)",
      meta: "units",
      x: xs,
      y: ys,
      line: { color: roleColour("reference"), width: 0.8, shape },
      opacity: 0.55,
      hoverinfo: "skip",
      connectgaps: false,
    },
    {
      type: "scatter",
      mode: "lines",
      name: "f = their sum + output bias",
      x: u.xs,
      y: u.sum,
      line: { color: roleColour("construction"), width: 2.8, shape },
      meta: "sum",
    },
  ];
  if (stacked) {
    traces.push(
      { type: "scatter", mode: "lines", x: u.xs, y: lower, line: { width: 0, shape }, showlegend: false, hoverinfo: "skip", meta: "below" },
      {
        type: "scatter",
        mode: "lines",
        name: `unit ${j + 1}`,
        x: u.xs,
        y: upper,
        fill: "tonexty",
        fillcolor: "rgba(230, 159, 0, 0.55)",
        line: { color: roleColour("highlight"), width: 1.5, shape },
        meta: "highlight",
      },
    );
  } else {
    traces.push({
      type: "scatter",
      mode: "lines",
      name: `unit ${j + 1}`,
      x: u.units[j].xs,
      y: Array.from(u.units[j].ys),
      line: { color: roleColour("highlight"), width: 3, shape },
      meta: "highlight",
    });
  }
  const fontSize = plotFontSize();
  const layout = layoutFor({ x: { label: "x" }, y: { label: "value" }, traces: [{}, {}, {}] }, { uirevision: "net-units", fontSize, compact: false });
  layout.height = 300;
  P.react(dom.unitsPlot, traces, layout, { ...PLOT_CONFIG, responsive: true });
}

// ---------------------------------------------------------------- downloads

function slug(s) {
  return String(s)
    .normalize("NFKD")
    .replace(/[^A-Za-z0-9.-]+/g, "_")
    .replace(/^_+|_+$/g, "")
    .slice(0, 48);
}

function paramsSlug(params) {
  return Object.entries(params || {})
    .map(([k, v]) => `${k}${v}`)
    .join("-")
    .replace(/[^A-Za-z0-9.-]/g, "_")
    .slice(0, 80);
}

function save(blob, name) {
  const a = document.createElement("a");
  a.href = URL.createObjectURL(blob);
  a.download = name;
  a.hidden = true;
  document.body.append(a);
  a.click();
  setTimeout(() => {
    URL.revokeObjectURL(a.href);
    a.remove();
  }, 1000);
}

async function download(kind) {
  const net = state.net;
  const data = state.data;
  if (!net || !data) return;
  const scene = data.scene || state.scene?.id || "scene";
  const ps = paramsSlug(data.params || state.params);
  if (kind === "json") {
    save(new Blob([`${JSON.stringify(net, null, 2)}\n`], { type: "application/json" }), `${scene}-${slug(net.name) || "network"}-${ps}.json`);
    return;
  }
  // The snippets hold every network of the scene (net_1, net_2, …), as the server writes them.
  const url = state.shownUrl.replace("/networks", `/networks/${kind}`);
  dom.status.textContent = "Preparing the download…";
  try {
    const r = await fetch(url);
    if (!r.ok) throw new Error(`The server answered ${r.status}.`);
    const text = await r.text();
    const who = data.networks.length > 1 ? "networks" : slug(net.name) || "network";
    save(new Blob([text], { type: "text/x-python" }), `${scene}-${who}-${ps}-${kind}.py`);
    dom.status.textContent = "";
  } catch (e) {
    dom.status.textContent = `The download failed: ${e.message}`;
  }
}

// ---------------------------------------------------------------- wiring

function clearView() {
  dom.diagram.replaceChildren();
  dom.info.replaceChildren();
  dom.header.textContent = "";
  dom.omitted.textContent = "";
  dom.notes.replaceChildren();
  dom.units.hidden = true;
  dom.pick.hidden = true;
  state.units = null;
}

/** Whatever way the page is themed (hash, prefers-color-scheme, forced colours), the edge
 *  colours follow the panel's actual background: light edges on a dark one. */
function darkBackground(el) {
  for (let e = el; e && e.nodeType === 1; e = e.parentElement) {
    const m = getComputedStyle(e).backgroundColor.match(/rgba?\(([\d.]+),\s*([\d.]+),\s*([\d.]+)(?:,\s*([\d.]+))?/);
    if (!m || (m[4] !== undefined && Number(m[4]) === 0)) continue;
    const [r, g, b] = [m[1], m[2], m[3]].map((v) => Number(v) / 255);
    return 0.2126 * r + 0.7152 * g + 0.0722 * b < 0.45;
  }
  return false;
}

function hide() {
  state.scene = null;
  state.url = null;
  state.token += 1; // ignore replies still under way
  clearTimeout(state.timer);
  const b = document.querySelector('#scene-actions [data-action="network"]');
  if (b) b.hidden = true;
  const p = document.getElementById("network-panel");
  if (p) p.hidden = true;
}

window.addEventListener("approxlab:render", (e) => {
  const { scene, params, result, view } = e.detail || {};
  if (!scene || !scene.has_networks || view?.embed) {
    hide();
    return;
  }
  const d = ensureDom();
  const b = actionButton();
  if (!d) return;
  d.panel.hidden = false;
  if (b) b.hidden = false;
  d.panel.dataset.tone = darkBackground(d.panel) ? "dark" : "light";
  if (state.scene?.id !== scene.id) {
    state.data = null;
    state.net = null;
    state.shownUrl = null;
    state.index = 0;
    state.unit = 0;
    state.focus = { layer: 1, unit: 0 };
    clearView();
    d.status.textContent = "";
    d.panel.dataset.state = "closed";
  }
  state.scene = scene;
  state.params = params;
  state.result = result;
  state.url = networksUrl(scene.id, params);
  schedule();
});

// For tests and the console: the network on screen and a forward pass through it.
window.approxlabNetwork = {
  get state() {
    return { url: state.shownUrl, index: state.index, name: state.net?.name ?? null, unit: state.unit, domain: state.domain };
  },
  network: () => state.net,
  evaluate: (xs) => {
    const net = state.net;
    if (!net || net.input_dim !== 1) return null;
    const v = forward(net, Array.from(xs));
    return v ? Array.from(v[v.length - 1][0]) : null;
  },
};
