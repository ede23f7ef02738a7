// Draws a SceneResult's plots with Plotly.react: one <figure> per plot id, reused across
// updates. Trace kinds map to Plotly traces; a trace's `style` is a rendering *role* whose
// colour (per theme), dash, width and marker come from the server's vocabulary
// (GET /api/v1/vocabulary — declared once, in approxlab.scenes.vocabulary), so every scene
// reads the same way in every theme.
//
// A plot carries (docs/contract.md): title, caption (shown under the plot; also its text
// alternative), axes {label, log, integer, range}, aspect "equal", zoom {lo, hi} (exact
// knots per visible window: the window goes to the caller through opts.onWindow), traces
// {name, kind, style, group, legend}.

import { richText } from "./format.js";
import { activeTheme, THEME_LAYOUT } from "./theme.js";
import { plotTools, updatePlotTools, usePlotMapping } from "./plot-export.js";

const FONT =
  'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, "Noto Sans", "Liberation Sans", "DejaVu Sans", sans-serif';

// ---------------------------------------------------------------- the vocabulary

let ROLES = {}; // role -> {label, dash, width, marker, color: {light, dark, contrast}}
/** Resolves once the roles are known (or the server could not say: then the cycle). */
// A page that carries its own vocabulary (the offline demo file: `globalThis.APPROXLAB_ROLES`
// set before this module runs) never asks the server.
const PRESET_ROLES = globalThis.APPROXLAB_ROLES || null;
export const vocabularyReady = PRESET_ROLES
  ? Promise.resolve((ROLES = PRESET_ROLES))
  : fetch("api/v1/vocabulary", { headers: { Accept: "application/json" } })
      .then((r) => (r.ok ? r.json() : null))
      .then((v) => {
        if (v && v.roles) ROLES = v.roles;
        return ROLES;
      })
      .catch(() => ROLES);

/** The roles of the vocabulary (empty until it has loaded). */
export function roles() {
  return ROLES;
}

function rgba(hex, alpha) {
  const n = parseInt(hex.slice(1), 16);
  return `rgba(${(n >> 16) & 255}, ${(n >> 8) & 255}, ${n & 255}, ${alpha})`;
}

/** Colour of a role in a theme (null for no role / an unknown one). */
export function roleColour(style, theme = activeTheme()) {
  const r = ROLES[style];
  return r ? r.color[theme] || r.color.light : null;
}

function colourFor(t, i, theme) {
  const th = THEME_LAYOUT[theme];
  return roleColour(t.style, theme) || th.cycle[i % th.cycle.length];
}

/** Pointer: touch screens get no drag-zoom (a swipe scrolls the page; 10.6). */
const coarse = typeof window.matchMedia === "function" ? window.matchMedia("(pointer: coarse)") : null;
export function isTouch() {
  return Boolean(coarse && coarse.matches);
}

/**
 * One SceneResult trace → one Plotly trace. `ctx` = {theme, present, first: Set of legend
 * groups already shown}; older callers may omit it.
 */
export function toPlotly(t, i, base, ctx = {}) {
  const theme = ctx.theme || activeTheme();
  const th = THEME_LAYOUT[theme];
  const role = ROLES[t.style] || null;
  const color = colourFor(t, i, theme);
  const name = richText(t.name ?? "");
  const scale = ctx.present ? 1.5 : 1;
  const common = { name, x: t.x, y: t.y, meta: { kind: t.kind, style: t.style ?? null, group: t.group ?? null } };
  // Legend: one entry per group (the first trace of the group shows it); legend:false hides.
  if (t.group) {
    common.legendgroup = t.group;
    const seen = ctx.first;
    if (seen) {
      if (seen.has(t.group)) common.showlegend = false;
      else seen.add(t.group);
    }
    if (common.showlegend !== false) common.name = richText(t.group);
  }
  if (t.legend === false) common.showlegend = false;
  const width = (role ? role.width : 2) * scale;
  const dash = role ? role.dash : "solid";
  const hover = "%{x:.6g}, %{y:.6g}<extra>%{fullData.name}</extra>";
  switch (t.kind) {
    case "step":
    case "line":
      return {
        ...common,
        type: "scatter",
        mode: "lines",
        line: { color, width, dash, shape: t.kind === "step" ? "hv" : "linear" },
        hovertemplate: hover,
        ...(t.style === "context" ? { opacity: 0.9 } : {}),
      };
    case "markers": {
      const n = Array.isArray(t.x) ? t.x.length : 0;
      const symbol = role ? role.marker : "circle";
      if (t.style === "this-value") {
        // The current parameter on a sweep: one large marker that stands out.
        return {
          ...common,
          type: "scatter",
          mode: "markers",
          marker: { color, size: Math.max(12, base * 1.35) * scale, symbol, line: { color: th.text, width: 1.2 } },
          hovertemplate: hover,
          cliponaxis: false,
        };
      }
      const hi = t.style === "highlight";
      // Large markers for a few points; smaller as they crowd the plot.
      const crowd = n <= 8 ? 1 : n <= 40 ? 0.75 : n <= 200 ? 0.55 : 0.4;
      return {
        ...common,
        type: "scatter",
        mode: "markers",
        marker: hi
          ? { color, size: Math.max(5, base * 1.05 * crowd) * scale, symbol, line: { color: th.text, width: n <= 40 ? 1.5 : 0.75 } }
          : {
              color,
              size: Math.max(4, base * 0.6 * Math.min(1, crowd * 1.4)) * scale,
              symbol,
              line: { color: th.plot, width: 0.5 },
            },
        hovertemplate: hover,
      };
    }
    case "band":
      return {
        ...common,
        type: "scatter",
        mode: "lines",
        fill: "toself",
        fillcolor: rgba(color, th.band),
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
        colorscale: th.colorscale,
        colorbar: { thickness: 14, outlinewidth: 0, len: 0.9, tickfont: { color: th.text } },
        hovertemplate: "x %{x:.4g}, y %{y:.4g}: %{z:.4g}<extra></extra>",
      };
    default:
      return { ...common, type: "scatter", mode: "lines", line: { color, width, dash } };
  }
}

/** All traces of a plot, legend groups resolved. */
export function tracesFor(plot, base, ctx = {}) {
  const first = new Set();
  return (plot.traces || []).map((t, j) => toPlotly(t, j, base, { ...ctx, first }));
}

/** The number of legend entries a plot shows (groups counted once, hidden entries not). */
export function legendEntries(plot) {
  const groups = new Set();
  let n = 0;
  for (const t of plot.traces || []) {
    if (t.kind === "heatmap" || t.legend === false) continue;
    if (t.group) {
      if (groups.has(t.group)) continue;
      groups.add(t.group);
    }
    n += 1;
  }
  return n;
}

// ---------------------------------------------------------------- axes

function finiteValues(traces, key) {
  let lo = Infinity;
  let hi = -Infinity;
  for (const t of traces) {
    const v = t[key];
    if (!Array.isArray(v)) continue;
    for (const x of v) {
      if (typeof x === "number" && Number.isFinite(x)) {
        if (x < lo) lo = x;
        if (x > hi) hi = x;
      }
    }
  }
  return lo <= hi ? [lo, hi] : null;
}

/** A whole-number tick step for a span: 1, 2, 5, 10, 20, 50 … with at most ~`target` ticks. */
export function integerStep(span, target = 8) {
  if (!(span > 0)) return 1;
  const raw = span / target;
  let step = 1;
  for (let p = 1; ; p *= 10) {
    for (const m of [1, 2, 5]) {
      step = m * p;
      if (step >= raw) return step;
    }
    if (p > 1e15) return step;
  }
}

function axis(ax, { traces, key, th, tickSize, titleSize }) {
  const out = {
    title: { text: richText(ax.label ?? ""), standoff: 8, font: { size: titleSize, color: th.text } },
    type: ax.log ? "log" : "linear",
    exponentformat: "power",
    gridcolor: th.grid,
    zeroline: false,
    linecolor: th.line,
    ticks: "outside",
    tickcolor: th.line,
    tickfont: { size: tickSize, color: th.text },
    automargin: true,
  };
  if (Array.isArray(ax.range) && ax.range.length === 2) {
    const [a, b] = ax.range;
    out.range = ax.log ? [Math.log10(a), Math.log10(b)] : [a, b];
    out.autorange = false;
  }
  if (ax.integer && !ax.log) {
    // No ticks at 0.5 or 2.5: whole-number steps from 0.
    const span = ax.range || finiteValues(traces, key);
    out.tickmode = "linear";
    out.tick0 = 0;
    out.dtick = integerStep(span ? span[1] - span[0] : 1);
    out.tickformat = "d";
  } else if (ax.integer) {
    out.tickformat = "d";
  }
  return out;
}

/** The visible x-window a zoomable plot was computed for, or null (the whole domain). */
export function plotWindow(plot, params) {
  if (!plot.zoom || !params) return null;
  const lo = Number(params[plot.zoom.lo]);
  const hi = Number(params[plot.zoom.hi]);
  return Number.isFinite(lo) && Number.isFinite(hi) && lo < hi ? [lo, hi] : null;
}

export function layoutFor(plot, { uirevision, fontSize, compact, present = false, theme, params = null, window: win = null }) {
  theme ||= activeTheme();
  const th = THEME_LAYOUT[theme];
  const traces = plot.traces || [];
  const tickSize = present ? Math.max(16, fontSize) : fontSize;
  const titleSize = present ? Math.max(18, Math.round(fontSize * 1.1)) : fontSize;
  const ctx = { traces, th, tickSize, titleSize };
  const layout = {
    uirevision,
    font: { family: FONT, size: tickSize, color: th.text },
    paper_bgcolor: "rgba(0,0,0,0)",
    plot_bgcolor: th.plot,
    margin: { l: 8, r: 12, t: compact ? 6 : 8, b: 8, pad: 2 },
    xaxis: axis(plot.x || {}, { ...ctx, key: "x" }),
    yaxis: axis(plot.y || {}, { ...ctx, key: "y" }),
    showlegend: legendEntries(plot) > 1 || (legendEntries(plot) === 1 && traces.length > 1),
    legend: {
      // Above the plotting area, never on it; every entry shown (no legend scrollbar).
      orientation: "h",
      x: 0,
      xanchor: "left",
      y: 1.02,
      yanchor: "bottom",
      bgcolor: "rgba(0,0,0,0)",
      font: { size: present ? Math.max(16, fontSize) : Math.round(fontSize * 0.9), color: th.text },
      groupclick: "togglegroup",
      maxheight: 1,
    },
    hovermode: "closest",
    hoverlabel: { font: { family: FONT, size: fontSize } },
    barmode: "overlay",
    dragmode: isTouch() ? false : "zoom",
  };
  if (plot.aspect === "equal") {
    // Discs and squares stay round and square.
    layout.yaxis.scaleanchor = "x";
    layout.yaxis.scaleratio = 1;
    layout.xaxis.constrain = "domain";
    layout.yaxis.constrain = "domain";
  }
  if (plot.zoom) {
    // Zoom the x-window only; the window the server computed for is the axis range
    // (its own uirevision, so a new window from the URL — back, a link — is applied).
    layout.yaxis.fixedrange = true;
    const w = win || plotWindow(plot, params);
    layout.xaxis.uirevision = w ? `w:${w[0]}:${w[1]}` : "whole";
    if (w) {
      layout.xaxis.range = [w[0], w[1]];
      layout.xaxis.autorange = false;
    }
  }
  // Client-side only: a widget may adjust a plot's layout (e.g. fix the axes while a point
  // is dragged). Objects (axes) are merged one level deep.
  for (const [k, v] of Object.entries(plot.layoutPatch || {})) {
    layout[k] = v && typeof v === "object" && !Array.isArray(v) && layout[k] ? { ...layout[k], ...v } : v;
  }
  return layout;
}

/** Plotly's config. The mode bar is replaced by the plot's own toolbar (focusable buttons
 *  that never cover a legend); touch screens get no scroll or drag zoom. */
export function configFor() {
  return {
    responsive: true,
    displaylogo: false,
    displayModeBar: false,
    showSendToCloud: false,
    scrollZoom: false,
    doubleClick: "reset",
    showTips: false,
    modeBarButtonsToRemove: ["select2d", "lasso2d", "autoScale2d"],
    toImageButtonOptions: { format: "png", scale: 2 },
  };
}
export const PLOT_CONFIG = configFor();

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
  if (!a || !b || a.title !== b.title || a.caption !== b.caption) return false;
  if (JSON.stringify([a.x, a.y, a.layoutPatch, a.aspect, a.zoom]) !== JSON.stringify([b.x, b.y, b.layoutPatch, b.aspect, b.zoom])) return false;
  const ta = a.traces || [];
  const tb = b.traces || [];
  if (ta.length !== tb.length) return false;
  return ta.every((t, i) => {
    const u = tb[i];
    return (
      t.name === u.name &&
      t.kind === u.kind &&
      t.style === u.style &&
      t.group === u.group &&
      t.legend === u.legend &&
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

/** A window end for the URL: enough digits for the window's width, no float noise. */
export function roundWindow(v, span) {
  const digits = Math.min(15, Math.max(0, Math.ceil(-Math.log10(span > 0 ? span : 1)) + 4));
  return Number(v.toFixed(digits));
}

/** The whole domain of a zoomable plot, from its window params' schema (or null). */
function domainOf(plot, schema) {
  const props = schema?.properties || {};
  const lo = props[plot.zoom.lo];
  const hi = props[plot.zoom.hi];
  if (!lo || !hi) return null;
  const a = lo.minimum ?? lo.default;
  const b = hi.maximum ?? hi.default;
  return Number.isFinite(a) && Number.isFinite(b) && a < b ? [a, b, lo.default ?? a, hi.default ?? b] : null;
}

// Every PlotArea on the page: a theme or pointer change redraws them all.
const AREAS = new Set();
function redrawAll() {
  // After the current event: a new hash (theme=…) may remount the scene first (main.js),
  // and a plot must not be redrawn while it is being purged.
  requestAnimationFrame(() => {
    for (const area of AREAS) area.restyle();
  });
}

// Print: printLayout() sizes the plots; the ResizeObserver leaves them alone meanwhile.
let printing = false;
// Paper is white: while printing, plots of the dark theme are drawn in the light one.
let paperTheme = null;
function drawTheme() {
  return paperTheme || activeTheme();
}

// The text sizes a printed plot sets (and gives back afterwards).
const PRINT_FONT_KEYS = [
  "font.size",
  "legend.font.size",
  "xaxis.tickfont.size",
  "yaxis.tickfont.size",
  "xaxis.title.font.size",
  "yaxis.title.font.size",
];
// On paper the legend's entries wrap like words: Plotly lays out ungrouped entries on a grid
// as wide as the widest entry (one a row in a half-width plot), but groups one after the
// other — so each entry gets its own group while printing.
const PRINT_LEGEND = { "legend.traceorder": "grouped", "legend.tracegroupgap": 2 };

function layoutValue(layout, key) {
  let v = layout;
  for (const part of key.split(".")) v = v?.[part];
  return v ?? null;
}

const nextFrame = () => new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));

/**
 * A legend of several rows must not eat the plotting area: grow the figure until the area
 * is `want` px high (Plotly settles its automatic margins over a frame or two; the first
 * step runs at once, within a real beforeprint).
 */
async function growForLegend(div, want) {
  for (let i = 0; i < 4; i++) {
    if (i > 0) await nextFrame();
    const full = div._fullLayout;
    if (!full?._size || full._size.h >= want - 1 || !div.isConnected) return;
    await window.Plotly.relayout(div, { height: Math.ceil(full.height + want - full._size.h) });
    await redrawIfDrawn(div);
  }
}

function redrawIfDrawn(div) {
  return div._fullLayout && Array.isArray(div.data) && div.isConnected ? window.Plotly.redraw(div) : null;
}

/**
 * Print: draw every plot now (also those waiting off screen) at the size `sizeOf(fig, plot)`
 * gives — {width, height, area, font}: CSS px; `area` = the least height of the plotting
 * area (the figure grows by what a legend of several rows takes); `font` = the text size of
 * ticks, axis titles and legend on paper — or (on=false) give them back to the page's size
 * and text. Resolves when Plotly is done.
 */
export async function printLayout(on, sizeOf = () => ({ width: 700, height: 240, area: 170 })) {
  const Plotly = window.Plotly;
  if (!Plotly) return;
  const jobs = [];
  if (on) printing = true;
  const theme = on && activeTheme() === "dark" ? "light" : null;
  const recolour = theme !== paperTheme;
  paperTheme = theme;
  for (const area of AREAS) {
    await area._drawPending([...area.figures.values()]);
    // the theme changed for paper (or back): draw again in the other colours first
    if (recolour) await Promise.all([...area.figures.values()].filter((f) => f.drawn && f.job).map((f) => area._draw(f, f.job)));
    for (const f of area.figures.values()) {
      if (!f.drawn || !f.div._fullLayout) continue;
      if (on) {
        const { width, height, area: want = 0, font = null } = sizeOf(f.fig, f.plot);
        const update = { width, height };
        const traces = {};
        if (font) {
          const keys = [...PRINT_FONT_KEYS, ...Object.keys(PRINT_LEGEND)];
          f.printSaved ||= {
            layout: Object.fromEntries(keys.map((k) => [k, layoutValue(f.div.layout, k)])),
            groups: f.div.data.map((t) => t.legendgroup ?? null),
          };
          for (const k of PRINT_FONT_KEYS) update[k] = font;
          Object.assign(update, PRINT_LEGEND);
          // one legend group per entry: Plotly wraps groups like words
          traces.legendgroup = f.div.data.map((t, i) => t.legendgroup || `print-${i}`);
        }
        // (a full redraw: after a relayout, a legend that changed its number of rows keeps
        // its old position)
        jobs.push(
          Plotly.update(f.div, traces, update)
            .then(() => redrawIfDrawn(f.div))
            .then(() => growForLegend(f.div, want)),
        );
      } else {
        const saved = f.printSaved;
        f.printSaved = null;
        const update = { width: null, height: null, ...(saved?.layout || {}) };
        const traces = saved ? { legendgroup: saved.groups } : {};
        jobs.push(
          Plotly.update(f.div, traces, update)
            .then(() => f.div._fullLayout && Plotly.Plots.resize(f.div))
            .then(() => redrawIfDrawn(f.div)),
        );
      }
    }
  }
  await Promise.all(jobs.map((j) => j.catch(() => {}))); // a plot may be gone meanwhile
  // Plotly pushes the margins for an outside legend in a second pass: let it finish.
  await new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 30)));
  if (!on) printing = false;
}
window.addEventListener("approxlab:theme", redrawAll);
coarse?.addEventListener?.("change", redrawAll);

/**
 * The plots of the current scene. Plots in (or near) the viewport are redrawn at once;
 * plots scrolled out of view are redrawn once the sliders have been quiet for a moment,
 * or as soon as they scroll into view — so dragging stays fluid on long pages.
 *
 * Several PlotAreas may share a page (e.g. the primary plot in its own container and the
 * others below): give each its container and `only` / `exclude` (see render()).
 */
export class PlotArea {
  constructor(container, { onSettled = () => {} } = {}) {
    this.container = container;
    this.onSettled = onSettled;
    this.figures = new Map(); // plot id -> {fig, caption, text, tools, div, drawn, visible, plot, pending, job}
    this.deferTimer = null;
    this.deferToken = 0;
    this.settledWaiters = [];
    this.opts = {};
    AREAS.add(this);
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
              if (printing) continue; // print: sized by printLayout()
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

  /** The plots on screen: [{id, plot, div, fig}] (export, print). */
  shown() {
    return [...this.figures.entries()].map(([id, f]) => ({ id, plot: f.plot, div: f.div, fig: f.fig }));
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
    // What to look for: under the plot, and the figure's description for screen readers.
    const text = document.createElement("p");
    text.className = "plot-caption";
    text.id = `plot-caption-${plot.id}`;
    fig.setAttribute("aria-labelledby", caption.id);
    fig.setAttribute("aria-describedby", text.id);
    f = { fig, caption, text, div, tools: null, drawn: false, visible: false, plot: null, pending: null, job: null, area: this };
    f.tools = plotTools(f);
    fig.append(caption, f.tools, div, text);
    this.resizer?.observe(div);
    this.viewport?.observe(div);
    this.figures.set(plot.id, f);
    return f;
  }

  _styleKey(job) {
    return JSON.stringify([drawTheme(), job.present, job.compact, job.fontSize, isTouch(), job.window]);
  }

  _draw(f, job) {
    f.pending = null;
    const key = this._styleKey(job);
    if (f.drawn && f.styleKey === key && samePlot(f.plot, job.plot)) {
      f.job = job;
      return Promise.resolve();
    }
    const theme = drawTheme();
    const ctx = { theme, present: job.present };
    const traces = tracesFor(job.plot, job.fontSize, ctx);
    const layout = layoutFor(job.plot, { ...job, theme });
    f.plot = job.plot;
    f.job = job;
    f.styleKey = key;
    f.drawn = true;
    return window.Plotly.react(f.div, traces, layout, configFor()).then(() => {
      this._listen(f);
      updatePlotTools(f);
      return this._fitLegend(f);
    });
  }

  /** Redraw every drawn plot with the same data (the theme or the pointer changed). */
  restyle() {
    for (const f of this.figures.values()) {
      if (f.drawn && f.job && f.div.isConnected) this._draw(f, f.job);
    }
  }

  /** Zoom/pan on a zoomable plot → its visible x-window to the caller (exact knots). */
  _listen(f) {
    if (f.listening || typeof f.div.on !== "function") return;
    f.listening = true;
    f.div.on("plotly_relayout", (ev) => {
      const plot = f.plot;
      const job = f.job;
      if (!plot?.zoom || !job?.onWindow || !ev) return;
      let lo = ev["xaxis.range[0]"];
      let hi = ev["xaxis.range[1]"];
      if (Array.isArray(ev["xaxis.range"])) [lo, hi] = ev["xaxis.range"];
      const dom = domainOf(plot, job.schema);
      if (ev["xaxis.autorange"] === true) {
        job.onWindow(dom ? dom[2] : null, dom ? dom[3] : null, plot);
        return;
      }
      lo = Number(lo);
      hi = Number(hi);
      if (!Number.isFinite(lo) || !Number.isFinite(hi) || !(lo < hi)) return;
      if (dom) {
        lo = Math.max(lo, dom[0]);
        hi = Math.min(hi, dom[1]);
      }
      const span = hi - lo;
      const a = roundWindow(lo, span);
      const b = roundWindow(hi, span);
      if (!(a < b)) return;
      const w = plotWindow(plot, job.params);
      if (w && w[0] === a && w[1] === b) return; // the window on screen already
      job.onWindow(a, b, plot);
    });
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
   * the others follow (see settled()). Options (all optional but sceneId):
   *   sceneId   the scene's id (keeps zoom state per scene and plot; export file names)
   *   only      plot ids to draw (the others are left out), e.g. `plots=` of the URL
   *   exclude   plot ids not to draw here (e.g. the primary plot drawn in another area)
   *   order     plot ids drawn first, in this order (e.g. [scene.primary_plot])
   *   primary   the id of the plot marked `.primary` (default: the first one drawn)
   *   compact   embed: tighter margins
   *   present   presenter mode: sizes for the back row (ticks ≥ 16 px, titles ≥ 28 px)
   *   schema    the scene's params_schema (zoom: the window's domain; export: defaults)
   *   scene     the scene's info (export: title, source)
   *   onWindow  (lo, hi, plot) => …: a zoomable plot's visible x-window changed (zoom,
   *             pan; lo/hi = the schema defaults on reset). The caller writes
   *             plot.zoom.lo / plot.zoom.hi into the params, which re-requests the result.
   */
  async render(result, opts = {}) {
    const { sceneId, only = null, exclude = null, order = null, primary = null, compact = false, present = false } = opts;
    this.opts = opts;
    const Plotly = window.Plotly;
    if (!Plotly) throw new Error("Plotly.js did not load (vendor/plotly.min.js).");
    await vocabularyReady;
    let plots = (result.plots || []).filter((p) => (!only || only.includes(p.id)) && !(exclude && exclude.includes(p.id)));
    if (order && order.length) {
      const rank = (p) => {
        const i = order.indexOf(p.id);
        return i < 0 ? order.length : i;
      };
      plots = plots.map((p, i) => [p, i]).sort((a, b) => rank(a[0]) - rank(b[0]) || a[1] - b[1]).map(([p]) => p);
    }
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
    const primaryId = primary && keep.has(primary) ? primary : plots[0]?.id;
    // Lay out every figure first so each div has its final size when Plotly measures it.
    const figures = plots.map((plot, i) => {
      const f = this._figure(plot);
      if (this.container.children[i] !== f.fig) this.container.insertBefore(f.fig, this.container.children[i] || null);
      f.fig.classList.toggle("primary", plot.id === primaryId);
      f.fig.classList.toggle("present", Boolean(present));
      f.fig.classList.toggle("zoomable", Boolean(plot.zoom));
      f.fig.classList.toggle("equal", plot.aspect === "equal");
      const title = richText(plot.title ?? "");
      if (f.caption.innerHTML !== title) f.caption.innerHTML = title;
      const text = plot.caption ? richText(plot.caption) : "";
      if (f.text.innerHTML !== text) f.text.innerHTML = text;
      f.text.hidden = !text;
      if (text) f.fig.setAttribute("aria-describedby", f.text.id);
      else f.fig.removeAttribute("aria-describedby");
      return f;
    });
    this.container.dataset.count = String(plots.length);
    const fontSize = plotFontSize();
    const now = [];
    let fresh = false;
    figures.forEach((f, i) => {
      const plot = plots[i];
      const job = {
        plot,
        fontSize,
        compact,
        present: Boolean(present),
        uirevision: `${sceneId}/${plot.id}`,
        params: result.params || null,
        window: plotWindow(plot, result.params),
        schema: opts.schema || opts.scene?.params_schema || null,
        scene: opts.scene || null,
        sceneId,
        onWindow: opts.onWindow || null,
      };
      // New figures: the first one and those in view now, the rest right after the first
      // paint. Drawn figures: those in view now, the rest when the sliders are quiet.
      const visible = f.drawn ? f.visible : i === 0 || inView(f.div);
      if (visible || !this.viewport) now.push(this._draw(f, job));
      else {
        f.pending = job;
        f.job = job;
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

usePlotMapping({ layoutFor, tracesFor });
