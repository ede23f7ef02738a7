// Draws a SceneResult's plots with Plotly.react: one <div> per plot id, reused across
// updates. Trace kinds map to Plotly traces; a trace's `style` is a rendering role with a
// fixed, colour-blind-safe colour (Okabe–Ito / Tol) so every scene reads the same way.

import { richText } from "./format.js";

const FONT =
  'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, "Noto Sans", "Liberation Sans", "DejaVu Sans", sans-serif';

export const PALETTE = {
  target: "#2b2f36", // dark grey: the function being approximated
  construction: "#0072b2", // blue: what the proof builds
  bound: "#d55e00", // vermillion, dashed: the theorem's bound
  error: "#aa3377", // purple: measured error
  reference: "#7a7f87", // grey, dashed: reference curves
  highlight: "#e69f00", // orange, large markers
};
// Colours for traces without a style, in order.
const CYCLE = ["#0072b2", "#009e73", "#cc79a7", "#e69f00", "#56b4e9", "#d55e00", "#2b2f36"];

function rgba(hex, alpha) {
  const n = parseInt(hex.slice(1), 16);
  return `rgba(${(n >> 16) & 255}, ${(n >> 8) & 255}, ${n & 255}, ${alpha})`;
}

function colourFor(trace, i) {
  return PALETTE[trace.style] || CYCLE[i % CYCLE.length];
}

function dashFor(style) {
  if (style === "bound") return "dash";
  if (style === "reference") return "dot";
  return "solid";
}

/** One SceneResult trace → one Plotly trace. */
export function toPlotly(t, i, base) {
  const color = colourFor(t, i);
  const name = richText(t.name ?? "");
  const common = { name, x: t.x, y: t.y, meta: { kind: t.kind, style: t.style ?? null } };
  const width = t.style === "target" ? 2.6 : t.style === "construction" ? 2.4 : 2;
  switch (t.kind) {
    case "step":
    case "line":
      return {
        ...common,
        type: "scatter",
        mode: "lines",
        line: { color, width, dash: dashFor(t.style), shape: t.kind === "step" ? "hv" : "linear" },
        hovertemplate: "%{x:.4g}, %{y:.4g}<extra>%{fullData.name}</extra>",
      };
    case "markers": {
      const hi = t.style === "highlight";
      // Large markers for a few points; smaller as they crowd the plot.
      const n = Array.isArray(t.x) ? t.x.length : 0;
      const crowd = n <= 8 ? 1 : n <= 40 ? 0.75 : n <= 200 ? 0.55 : 0.4;
      return {
        ...common,
        type: "scatter",
        mode: "markers",
        marker: hi
          ? { color, size: Math.max(5, base * 1.05 * crowd), symbol: "diamond", line: { color: "#1d2330", width: n <= 40 ? 1.5 : 0.75 } }
          : { color, size: Math.max(4, base * 0.6 * Math.min(1, crowd * 1.4)), line: { color: "#ffffff", width: 0.5 } },
        hovertemplate: "%{x:.4g}, %{y:.4g}<extra>%{fullData.name}</extra>",
      };
    }
    case "band":
      return {
        ...common,
        type: "scatter",
        mode: "lines",
        fill: "toself",
        fillcolor: rgba(t.style ? color : "#0072b2", 0.16),
        line: { width: 0, color },
        hoverinfo: "skip",
      };
    case "bar":
      return { ...common, type: "bar", marker: { color: rgba(color, 0.85), line: { color, width: 1 } } };
    case "heatmap":
      return {
        ...common,
        type: "heatmap",
        z: t.z,
        colorscale: "Viridis",
        colorbar: { thickness: 14, outlinewidth: 0, len: 0.9 },
        hovertemplate: "x %{x:.4g}, y %{y:.4g}: %{z:.4g}<extra></extra>",
      };
    default:
      return { ...common, type: "scatter", mode: "lines", line: { color, width } };
  }
}

function axis(ax) {
  return {
    title: { text: richText(ax.label ?? ""), standoff: 8 },
    type: ax.log ? "log" : "linear",
    exponentformat: "power",
    gridcolor: "#e3e7ee",
    zeroline: false,
    linecolor: "#8a93a3",
    ticks: "outside",
    tickcolor: "#8a93a3",
    automargin: true,
  };
}

export function layoutFor(plot, { uirevision, fontSize, compact }) {
  const traces = plot.traces || [];
  const layout = {
    uirevision,
    font: { family: FONT, size: fontSize, color: "#1d2330" },
    paper_bgcolor: "rgba(0,0,0,0)",
    plot_bgcolor: "#ffffff",
    margin: { l: 8, r: 12, t: compact ? 8 : 10, b: 8, pad: 2 },
    xaxis: axis(plot.x || {}),
    yaxis: axis(plot.y || {}),
    showlegend: traces.filter((t) => t.kind !== "heatmap").length > 1,
    legend: {
      orientation: "h",
      x: 0,
      xanchor: "left",
      y: 1.02,
      yanchor: "bottom",
      bgcolor: "rgba(255,255,255,0)",
      font: { size: Math.round(fontSize * 0.9) },
    },
    hovermode: "closest",
    hoverlabel: { font: { family: FONT, size: fontSize } },
    barmode: "overlay",
  };
  // Client-side only: a widget may adjust a plot's layout (e.g. fix the axes while a point
  // is dragged). Objects (axes) are merged one level deep.
  for (const [k, v] of Object.entries(plot.layoutPatch || {})) {
    layout[k] = v && typeof v === "object" && !Array.isArray(v) && layout[k] ? { ...layout[k], ...v } : v;
  }
  return layout;
}

export const PLOT_CONFIG = {
  responsive: true,
  displaylogo: false,
  showSendToCloud: false,
  scrollZoom: false,
  modeBarButtonsToRemove: ["select2d", "lasso2d", "autoScale2d"],
  toImageButtonOptions: { format: "png", scale: 2 },
};

// The root font size (it grows on wide screens) sets the plots' font size. Reading a
// computed style forces a style recalculation, so it is read once per window size.
let fontCache = null;
window.addEventListener("resize", () => {
  fontCache = null;
});
export function plotFontSize() {
  if (fontCache === null) {
    const root = parseFloat(getComputedStyle(document.documentElement).fontSize) || 16;
    fontCache = Math.round(root * 0.8);
  }
  return fontCache;
}

function sameArray(a, b) {
  if (a === b) return true;
  if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i];
    const y = b[i];
    if (x !== y && !(Array.isArray(x) && sameArray(x, y))) return false;
  }
  return true;
}

/** True when two plots of the wire format would draw the same picture. */
export function samePlot(a, b) {
  if (!a || !b || a.title !== b.title) return false;
  if (JSON.stringify([a.x, a.y, a.layoutPatch]) !== JSON.stringify([b.x, b.y, b.layoutPatch])) return false;
  const ta = a.traces || [];
  const tb = b.traces || [];
  if (ta.length !== tb.length) return false;
  return ta.every((t, i) => {
    const u = tb[i];
    return (
      t.name === u.name &&
      t.kind === u.kind &&
      t.style === u.style &&
      sameArray(t.x, u.x) &&
      sameArray(t.y, u.y) &&
      sameArray(t.z || null, u.z || null)
    );
  });
}

const DEFER_QUIET_MS = 120;

function inView(el) {
  const r = el.getBoundingClientRect();
  return r.bottom > 0 && r.top < window.innerHeight && r.right > 0 && r.left < window.innerWidth;
}

/**
 * The plots of the current scene. Plots in (or near) the viewport are redrawn at once;
 * plots scrolled out of view are redrawn once the sliders have been quiet for a moment,
 * or as soon as they scroll into view — so dragging stays fluid on long pages.
 */
export class PlotArea {
  constructor(container, { onSettled = () => {} } = {}) {
    this.container = container;
    this.onSettled = onSettled;
    this.figures = new Map(); // plot id -> {fig, caption, div, drawn, visible, plot, pending}
    this.deferTimer = null;
    this.deferToken = 0;
    this.settledWaiters = [];
    // Plotly's `responsive` only follows window resizes; layout changes (grid reflow,
    // embed frames, sidebar) resize the divs without one.
    this.resizer =
      typeof ResizeObserver === "function"
        ? new ResizeObserver((entries) => {
            for (const e of entries) {
              const div = e.target;
              const w = Math.round(e.contentRect.width);
              const h = Math.round(e.contentRect.height);
              const full = div._fullLayout;
              if (full && window.Plotly && (Math.abs(full.width - w) > 1 || Math.abs(full.height - h) > 1)) {
                window.Plotly.Plots.resize(div);
              }
            }
          })
        : null;
    this.viewport =
      typeof IntersectionObserver === "function"
        ? new IntersectionObserver(
            (entries) => {
              for (const e of entries) {
                const f = this._byDiv(e.target);
                if (!f) continue;
                f.visible = e.isIntersecting;
                if (f.visible && f.pending) this._drawPending([f]);
              }
            },
            { rootMargin: "0px" },
          )
        : null;
  }

  /** Number of plots waiting for a deferred redraw. */
  get pending() {
    let n = 0;
    for (const f of this.figures.values()) if (f.pending) n += 1;
    return n;
  }

  /** The figure and Plotly div of a plot on screen ({fig, div, drawn}), or null. */
  element(id) {
    const f = this.figures.get(id);
    return f ? { fig: f.fig, div: f.div, drawn: f.drawn } : null;
  }

  _byDiv(div) {
    for (const f of this.figures.values()) if (f.div === div) return f;
    return null;
  }

  reset() {
    clearTimeout(this.deferTimer);
    this.deferToken += 1;
    for (const f of this.figures.values()) this._drop(f);
    this.figures.clear();
    this.container.replaceChildren();
    this._settle();
  }

  _drop(f) {
    this.resizer?.unobserve(f.div);
    this.viewport?.unobserve(f.div);
    if (window.Plotly) window.Plotly.purge(f.div);
    f.fig.remove();
  }

  _figure(plot) {
    let f = this.figures.get(plot.id);
    if (f) return f;
    const fig = document.createElement("figure");
    fig.className = "plot-card";
    fig.dataset.plot = plot.id;
    const caption = document.createElement("figcaption");
    caption.className = "plot-title";
    caption.id = `plot-title-${plot.id}`;
    const div = document.createElement("div");
    div.className = "plot";
    div.id = `plot-${plot.id}`;
    div.setAttribute("aria-labelledby", caption.id);
    fig.append(caption, div);
    f = { fig, caption, div, drawn: false, visible: false, plot: null, pending: null };
    this.resizer?.observe(div);
    this.viewport?.observe(div);
    this.figures.set(plot.id, f);
    return f;
  }

  _draw(f, job) {
    f.pending = null;
    if (f.drawn && samePlot(f.plot, job.plot)) return Promise.resolve();
    const traces = (job.plot.traces || []).map((t, j) => toPlotly(t, j, job.fontSize));
    const layout = layoutFor(job.plot, { uirevision: job.uirevision, fontSize: job.fontSize, compact: job.compact });
    f.plot = job.plot;
    f.drawn = true;
    return window.Plotly.react(f.div, traces, layout, PLOT_CONFIG).then(() => this._fitLegend(f));
  }

  /**
   * A legend with many entries wraps onto several rows above the plot and would squeeze
   * the plotting area; give the figure that much extra height (the ResizeObserver then
   * lets Plotly re-fit).
   */
  _fitLegend(f) {
    const items = f.div.querySelectorAll(".legend .traces");
    let top = Infinity;
    let bottom = -Infinity;
    for (const it of items) {
      const m = /translate\(\s*[-\d.e]+[ ,]\s*([-\d.e]+)/.exec(it.getAttribute("transform") || "");
      if (!m) continue;
      const y = Number(m[1]);
      top = Math.min(top, y);
      bottom = Math.max(bottom, y);
    }
    const rowH = (f.div._fullLayout?.legend?.font?.size || 13) * 1.55;
    const extra = items.length && bottom > top ? Math.round(bottom - top) : 0;
    if (Math.abs(extra - (f.legendExtra || 0)) > 2) {
      f.legendExtra = extra;
      f.div.style.setProperty("--legend-extra", `${extra}px`);
    }
    return rowH;
  }

  async _drawPending(list) {
    const jobs = list.filter((f) => f.pending).map((f) => this._draw(f, f.pending));
    await Promise.all(jobs);
    if (!this.pending) this._settle();
  }

  _settle() {
    const waiters = this.settledWaiters;
    this.settledWaiters = [];
    for (const w of waiters) w();
    this.onSettled();
  }

  /** Resolves when no plot is waiting for a deferred redraw. */
  settled() {
    if (!this.pending) return Promise.resolve();
    return new Promise((resolve) => this.settledWaiters.push(resolve));
  }

  /**
   * Draw (or update) the plots of `result`. Resolves when the plots in view are drawn;
   * the others follow (see settled()).
   */
  async render(result, { sceneId, only = null, compact = false }) {
    const Plotly = window.Plotly;
    if (!Plotly) throw new Error("Plotly.js did not load (vendor/plotly.min.js).");
    const plots = (result.plots || []).filter((p) => !only || only.includes(p.id));
    const keep = new Set(plots.map((p) => p.id));
    for (const child of [...this.container.children]) {
      if (!child.classList.contains("plot-card")) child.remove(); // placeholders
    }
    for (const [id, f] of this.figures) {
      if (!keep.has(id)) {
        this._drop(f);
        this.figures.delete(id);
      }
    }
    // Lay out every figure first so each div has its final size when Plotly measures it.
    const figures = plots.map((plot, i) => {
      const f = this._figure(plot);
      if (this.container.children[i] !== f.fig) this.container.insertBefore(f.fig, this.container.children[i] || null);
      f.fig.classList.toggle("primary", i === 0);
      const title = richText(plot.title ?? "");
      if (f.caption.innerHTML !== title) f.caption.innerHTML = title;
      return f;
    });
    this.container.dataset.count = String(plots.length);
    const fontSize = plotFontSize();
    const now = [];
    let fresh = false;
    figures.forEach((f, i) => {
      const job = { plot: plots[i], fontSize, compact, uirevision: `${sceneId}/${plots[i].id}` };
      // New figures: the first one and those in view now, the rest right after the first
      // paint. Drawn figures: those in view now, the rest when the sliders are quiet.
      const visible = f.drawn ? f.visible : i === 0 || inView(f.div);
      if (visible || !this.viewport) now.push(this._draw(f, job));
      else {
        f.pending = job;
        fresh ||= !f.drawn;
      }
    });
    await Promise.all(now);
    clearTimeout(this.deferTimer);
    const token = ++this.deferToken;
    if (this.pending) {
      const run = () => {
        if (token === this.deferToken) this._drawPending([...this.figures.values()]);
      };
      // first draws: right after the next paint; redraws: once the sliders are quiet
      if (fresh) requestAnimationFrame(() => setTimeout(run, 0));
      else this.deferTimer = setTimeout(run, DEFER_QUIET_MS);
    } else {
      this._settle();
    }
  }
}
