// The toolbar of each plot (replaces Plotly's mode bar: focusable buttons with a visible
// focus ring that never cover a legend): zoom in / zoom out / reset — the only way to zoom
// on a touch screen, where a swipe scrolls the page — and a small Download menu: the plot as
// SVG or PNG at slide resolution (1920×1080) with its title, parameters and source drawn in,
// and its data as CSV. Files are named <scene>-<plot>-<params>.svg|png|csv (issue 11.5).

import { richText } from "./format.js";
import { activeTheme, THEME_LAYOUT } from "./theme.js";

// plots.js hands over its layout and trace mapping (it imports this module for the toolbar;
// no import cycle, so the offline demo's bundler can inline both).
let layoutFor = null;
let tracesFor = null;
export function usePlotMapping(mapping) {
  ({ layoutFor, tracesFor } = mapping);
}

export const SLIDE = { width: 1920, height: 1080 };

function button(label, text, onClick, extra = {}) {
  const b = document.createElement("button");
  b.type = "button";
  b.className = "plot-tool";
  b.textContent = text;
  b.setAttribute("aria-label", label);
  b.title = label;
  for (const [k, v] of Object.entries(extra)) b.dataset[k] = v;
  b.addEventListener("click", onClick);
  return b;
}

/** The toolbar of a figure `f` (see PlotArea._figure). */
export function plotTools(f) {
  const bar = document.createElement("div");
  bar.className = "plot-tools";
  bar.setAttribute("role", "toolbar");
  bar.setAttribute("aria-label", "Plot tools");
  bar.append(
    button("Zoom in", "+", () => zoom(f, 0.5), { tool: "zoom-in" }),
    button("Zoom out", "−", () => zoom(f, 2), { tool: "zoom-out" }),
    button("Reset the view", "⟲", () => resetView(f), { tool: "reset" }),
  );
  const menu = document.createElement("details");
  menu.className = "plot-download";
  const summary = document.createElement("summary");
  summary.textContent = "Download";
  summary.className = "plot-tool";
  const items = document.createElement("div");
  items.className = "plot-download-items";
  items.append(
    button("Download the plot as SVG (slide size, with title, parameters and source)", "SVG", () => download(f, "svg"), { format: "svg" }),
    button("Download the plot as PNG (1920 × 1080, with title, parameters and source)", "PNG", () => download(f, "png"), { format: "png" }),
    button("Download the plot's data as CSV", "CSV", () => download(f, "csv"), { format: "csv" }),
  );
  menu.append(summary, items);
  menu.addEventListener("keydown", (e) => {
    if (e.key === "Escape" && menu.open) {
      menu.open = false;
      summary.focus();
    }
  });
  bar.append(menu);
  return bar;
}

/** After a draw: name the toolbar after its plot. */
export function updatePlotTools(f) {
  const title = f.caption?.textContent || "";
  f.tools.setAttribute("aria-label", `Plot tools: ${title}`);
}

// ---------------------------------------------------------------- zoom buttons

function zoom(f, factor) {
  const full = f.div._fullLayout;
  if (!full || !window.Plotly) return;
  const update = {};
  for (const name of ["xaxis", "yaxis"]) {
    const ax = full[name];
    if (!ax || ax.fixedrange || !Array.isArray(ax.range)) continue;
    const [a, b] = ax.range.map(Number);
    const mid = (a + b) / 2;
    const half = ((b - a) / 2) * factor;
    update[`${name}.range[0]`] = mid - half;
    update[`${name}.range[1]`] = mid + half;
  }
  // Plotly reports the new x-range in plotly_relayout: a zoomable plot re-requests its
  // exact knots for the window (PlotArea._listen).
  window.Plotly.relayout(f.div, update);
}

function resetView(f) {
  if (!window.Plotly || !f.plot) return;
  const update = {};
  for (const [name, key] of [["xaxis", "x"], ["yaxis", "y"]]) {
    const ax = f.plot[key] || {};
    if (Array.isArray(ax.range) && !(f.plot.zoom && key === "x")) {
      update[`${name}.range`] = ax.log ? ax.range.map(Math.log10) : ax.range.slice();
    } else update[`${name}.autorange`] = true;
  }
  window.Plotly.relayout(f.div, update);
}

// ---------------------------------------------------------------- names and words

function slug(s) {
  return String(s)
    .normalize("NFKD")
    .replace(/[^\w.=-]+/g, "_")
    .replace(/^_+|_+$/g, "")
    .slice(0, 40);
}

/** The parameters that differ from the scene's defaults (all when no schema is known). */
export function changedParams(params, schema) {
  const props = schema?.properties || {};
  const out = [];
  for (const [k, v] of Object.entries(params || {})) {
    const d = props[k]?.default;
    if (d !== undefined && d !== null && String(d) === String(v)) continue;
    if (d !== undefined && d !== null && Number(d) === Number(v) && v !== "" && typeof v !== "boolean") continue;
    out.push([k, v]);
  }
  return out;
}

/** `<scene>-<plot>-<params>.<ext>`; params are the ones changed from the defaults. */
export function fileName(sceneId, plotId, params, schema, ext) {
  const changed = changedParams(params, schema);
  const p = changed.length ? changed.map(([k, v]) => `${slug(k)}=${slug(v)}`).join("_") : "defaults";
  return `${slug(sceneId || "approxlab")}-${slug(plotId)}-${p}`.slice(0, 180) + `.${ext}`;
}

function paramWords(params, schema) {
  const props = schema?.properties || {};
  const parts = [];
  for (const [k, v] of Object.entries(params || {})) {
    const p = props[k];
    if (p?.hidden && changedParams({ [k]: v }, schema).length === 0) continue;
    parts.push(`${p?.label || p?.title || k} = ${v}`);
  }
  return parts.join(" · ");
}

function esc(s) {
  return String(s).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

// ---------------------------------------------------------------- images

/** The slide figure of a plot: title, parameters and source drawn in, current view kept. */
export function slideFigure(f) {
  const { plot, job } = f;
  const theme = activeTheme();
  const th = THEME_LAYOUT[theme];
  const base = 24;
  const data = tracesFor(plot, base, { theme, present: true });
  const layout = layoutFor(plot, { ...job, fontSize: base, present: true, theme, uirevision: "export" });
  const full = f.div._fullLayout;
  for (const name of ["xaxis", "yaxis"]) {
    const r = full?.[name]?.range;
    if (Array.isArray(r) && full[name].type !== "category") layout[name] = { ...layout[name], range: r.slice(), autorange: false };
  }
  const scene = job.scene || {};
  const sceneTitle = scene.title || job.sceneId || "";
  const words = paramWords(job.params, job.schema);
  const source = scene.source ? `Source: ${scene.source}` : "";
  layout.title = {
    text: `<b>${f.caption.innerHTML}</b>`,
    x: 0.02,
    xanchor: "left",
    xref: "container",
    y: 0.975,
    yanchor: "top",
    yref: "container",
    font: { size: 36, color: th.text },
    automargin: true,
    subtitle: { text: richText(sceneTitle), font: { size: 24, color: th.muted } },
  };
  layout.annotations = [
    ...(layout.annotations || []),
    {
      text: esc([words, source, "approxlab"].filter(Boolean).join("   —   ")),
      xref: "paper",
      yref: "paper",
      x: 0,
      y: 0,
      xanchor: "left",
      yanchor: "top",
      yshift: -110,
      showarrow: false,
      align: "left",
      font: { size: 20, color: th.muted },
    },
  ];
  layout.margin = { l: 40, r: 50, t: 40, b: 150, pad: 4 };
  layout.paper_bgcolor = th.plot;
  layout.width = SLIDE.width;
  layout.height = SLIDE.height;
  return { data, layout };
}

function dataUrlBlob(url, type) {
  const comma = url.indexOf(",");
  const head = url.slice(0, comma);
  const body = url.slice(comma + 1);
  if (head.endsWith(";base64")) {
    const bin = atob(body);
    const bytes = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
    return new Blob([bytes], { type });
  }
  return new Blob([decodeURIComponent(body)], { type });
}

function save(blob, name) {
  const url = URL.createObjectURL(blob);
  const a = document.createElement("a");
  a.href = url;
  a.download = name;
  a.hidden = true;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

// ---------------------------------------------------------------- data

function csvCell(v) {
  if (v === null || v === undefined) return "";
  const s = typeof v === "number" ? String(v) : String(v);
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** A plot's data, one row per point: series, x, y (and z for heatmaps). */
export function plotCsv(plot) {
  const rows = [["series", "role", "x", "y", "z"]];
  for (const t of plot.traces || []) {
    const name = t.name ?? "";
    const role = t.style ?? "";
    if (t.kind === "heatmap" && Array.isArray(t.z)) {
      t.z.forEach((row, j) => row.forEach((z, i) => rows.push([name, role, t.x?.[i], t.y?.[j], z])));
      continue;
    }
    const n = Math.max(t.x?.length || 0, t.y?.length || 0);
    for (let i = 0; i < n; i++) rows.push([name, role, t.x?.[i], t.y?.[i], ""]);
  }
  return rows.map((r) => r.map(csvCell).join(",")).join("\n") + "\n";
}

/** Download plot `f` as "svg", "png" or "csv". Resolves to the file name. */
export async function download(f, format) {
  if (!f.plot || !f.job) return null;
  const name = fileName(f.job.sceneId, f.plot.id, f.job.params, f.job.schema, format);
  if (format === "csv") {
    save(new Blob([plotCsv(f.plot)], { type: "text/csv" }), name);
    return name;
  }
  const fig = slideFigure(f);
  const url = await window.Plotly.toImage(fig, { format, width: SLIDE.width, height: SLIDE.height, scale: 1 });
  save(dataUrlBlob(url, format === "svg" ? "image/svg+xml" : "image/png"), name);
  return name;
}
