// regions-json: the pieces-json panel for networks with two inputs — a network typed as JSON
// is sent to POST /api/v1/regions, which answers its exact activation regions of a square
// as polygons; they are drawn filled, one colour each from a small repeating palette.
//
// config: {endpoint}

import { escapeHtml, formatNumber } from "../format.js";
import { renderChecks } from "../panels.js";
import { layoutFor, PLOT_CONFIG, plotFontSize, toPlotly } from "../plots.js";
import { DEFAULT_TEXT as PIECES_DEFAULT, formatBody, PiecesJson } from "./pieces-json.js";

/** Three lines through one point, and a second layer: the first text. */
export const DEFAULT_TEXT = `{
  "layers": [
    {"weight": [[1, 0], [0, 1], [1, 1]], "bias": [-0.1, -0.1, -0.2]},
    {"weight": [[1, -1, 0.5], [0.5, 1, -1]], "bias": [0, -0.25]},
    {"weight": [[1, 1]], "bias": [0]}
  ],
  "domain": [-1, 1]
}`;

const ROLES = ["construction", "highlight", "error", "reference", "target"];

function polygonsTrace(polys, role, name, closed) {
  const x = [];
  const y = [];
  for (const p of polys) {
    for (const [a, b] of p) {
      x.push(a);
      y.push(b);
    }
    if (closed && p.length) {
      x.push(p[0][0]);
      y.push(p[0][1]);
    }
    x.push(null);
    y.push(null);
  }
  return { name, kind: closed ? "line" : "band", style: role, x, y };
}

export class RegionsJson extends PiecesJson {
  build() {
    super.build();
    const s = this.section;
    s.dataset.widget = "regions-json";
    s.querySelector(".panel-title").textContent = "Cut the square with your own network";
    s.querySelector(".panel-intro").innerHTML =
      'A ReLU network with two inputs as JSON: <code>{"layers": [{"weight": [[…]], "bias": […]}, …], "domain": [a, b]}</code> — ' +
      "<code>weight</code> has one row per unit and two columns in the first layer; ReLU after every layer but the last; one output; " +
      "the square is [a, b]². The server cuts the square by every unit's zero line, layer by layer, and counts the activation regions exactly.";
    s.querySelector(".presets")?.remove();
    // Reset: this widget's first text (a fresh button drops the pieces listener)
    const reset = [...s.querySelectorAll(".panel-actions .btn")].find((b) => b !== this.countButton);
    if (reset) {
      const fresh = reset.cloneNode(true);
      fresh.title = "back to the first example";
      fresh.addEventListener("click", () => this.load(DEFAULT_TEXT));
      reset.replaceWith(fresh);
    }
    const scene = el("button", { type: "button", class: "btn btn-small", text: "This scene's network" });
    scene.title = "the network drawn above, from GET …/scenes/regions/networks";
    scene.addEventListener("click", () => this.loadScene());
    s.querySelector(".panel-actions")?.append(scene);
    if (this.textarea.value === PIECES_DEFAULT) this.textarea.value = DEFAULT_TEXT;
    this.fitRows();
    this.setState("idle");
  }

  setState(state) {
    super.setState(state);
    this.countButton.textContent = state === "busy" ? "Counting…" : "Count regions";
  }

  async loadScene() {
    const query = new URLSearchParams(this.host.params || {}).toString();
    try {
      const url = new URL(`scenes/regions/networks?${query}`, new URL(this.endpoint, document.baseURI));
      const r = await fetch(url, { headers: { Accept: "application/json" } });
      const body = await r.json();
      const net = body?.networks?.[0];
      if (!r.ok || !net) throw new Error(body?.message || `the server answered ${r.status}`);
      this.load(formatBody({ layers: net.layers.map((l) => ({ weight: l.weight, bias: l.bias })), domain: [-1, 1] }));
    } catch (e) {
      if (this.section) this.showError(`Could not load the scene's network: ${e.message}`);
    }
  }

  async draw(r) {
    const polys = r.polygons || [];
    const n = r.regions;
    this.result.hidden = false;
    this.caption.innerHTML = `<strong>${escapeHtml(formatNumber(n))}</strong> activation ${n === 1 ? "region" : "regions"}`;
    const stats = [
      ["regions", "activation regions", n, "cells of constant on/off pattern (exact)"],
      ["upper_bound", "upper bound", r.upper_bound, r.upper_bound_formula],
      ["by_layer", "after each hidden layer", (r.by_layer || []).join(", ") || "—", "regions after hidden layer 1, 2, …"],
      ["hidden_widths", "hidden widths", (r.hidden_widths || []).join(", ") || "none", "units per hidden layer"],
      ["exact_vertices", "decided in exact arithmetic", r.exact_vertices, "vertices within float64 rounding of a line"],
    ];
    this.numbers.replaceChildren(
      ...stats.map(([key, label, value, title]) => {
        const row = el("div", { class: "panel-stat", "data-stat": key });
        const dd = el("dd", { class: "panel-stat-value", text: typeof value === "number" ? formatNumber(value) : String(value) });
        row.append(el("dt", { class: "panel-stat-label", text: label, title }), dd);
        return row;
      }),
    );
    renderChecks(this.checks, this.checksSummary, r.checks || []);
    const Plotly = await this.host.plotly();
    if (!this.section) return;
    const traces = ROLES.map((role, c) =>
      polygonsTrace(polys.filter((_, i) => i % ROLES.length === c), role, "activation regions", false),
    ).filter((t) => t.x.length);
    traces.push(polygonsTrace(polys, "context", "region edges (exact)", true));
    const plot = { id: "regions-json", x: { label: "x₁", log: false }, y: { label: "x₂", log: false }, traces };
    const fontSize = plotFontSize();
    const layout = layoutFor(plot, { uirevision: "regions-json", fontSize, compact: false });
    layout.showlegend = false;
    layout.yaxis = { ...layout.yaxis, scaleanchor: "x", scaleratio: 1 };
    await Plotly.react(this.plot, traces.map((t, j) => toPlotly(t, j, fontSize)), layout, PLOT_CONFIG);
  }
}

function el(tag, attrs = {}) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === "class") e.className = v;
    else if (k === "text") e.textContent = v;
    else e.setAttribute(k, String(v));
  }
  return e;
}
