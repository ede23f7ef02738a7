// Print (issue 11.6): one scene on at most two A4 pages — parameters and source printed,
// the primary plot at the full width, the others two a row, each title kept with its plot
// (css/print.css). Plotly draws at a fixed pixel size, so before printing every plot is
// drawn (also those scrolled out of view) at its printed width and height, and restored
// afterwards.

import { printLayout } from "./plots.js";

// A4 minus the side margins of css/print.css (12 mm each), in CSS px (96 per inch).
const PAGE_WIDTH_PX = Math.floor(((210 - 24) / 25.4) * 96);
// The gap between the two plots of a row (css/print.css: 8pt).
const GAP_PX = Math.ceil((8 * 96) / 72);
const HALF_WIDTH_PX = Math.floor((PAGE_WIDTH_PX - GAP_PX) / 2);
// Text in the plots on paper: 8.25 pt in the primary plot, 7.5 pt in the others (≥ 7 pt).
const PRIMARY_FONT_PX = 11;
const OTHER_FONT_PX = 10;

/**
 * A plot's printed size in CSS px: the primary plot (the stage) full width; the others two
 * a row at half the width and shorter — the last of an odd number takes the whole row
 * (css/print.css). `area`: the least height left to the plotting area under a legend.
 */
function printedSize(fig, plot) {
  const equal = plot?.aspect === "equal";
  if (fig.closest("#plot-stage")) return { width: PAGE_WIDTH_PX, height: equal ? 300 : 280, area: 190, font: PRIMARY_FONT_PX };
  const alone = fig.matches(".plot-more > .plot-card:last-child:nth-child(odd)");
  return { width: alone ? PAGE_WIDTH_PX : HALF_WIDTH_PX, height: equal ? 240 : 190, area: 120, font: OTHER_FONT_PX };
}

function words(params, schema) {
  const props = schema?.properties || {};
  const out = [];
  for (const [k, v] of Object.entries(params || {})) {
    const p = props[k];
    if (p?.hidden) continue;
    out.push(`${p?.label || p?.title || k} = ${v}`);
  }
  return out.join(" · ");
}

/** A print-only line under the source: the parameters and where the page came from. */
function printParams(detail) {
  const head = document.querySelector("#scene .scene-head") || document.getElementById("scene");
  if (!head) return;
  let p = head.querySelector(".print-params");
  if (!p) {
    p = document.createElement("p");
    p.className = "print-params";
    head.append(p);
  }
  const text = words(detail.params, detail.scene?.params_schema);
  p.textContent = `${text ? `Parameters: ${text}. ` : ""}Printed from approxlab: ${location.href}`;
}

window.addEventListener("approxlab:render", (e) => printParams(e.detail));

// One transition at a time: entering waits for a leave under way, and the other way round.
// <html data-print-ready>: "0" while the plots are redrawn for paper, "1" when they are
// ready, absent again once they are back at the page's size.
let printing = null;
let leaving = Promise.resolve();
function enter() {
  if (printing) return printing;
  document.documentElement.dataset.printReady = "0";
  printing = leaving
    .then(() => printLayout(true, printedSize))
    .then(() => {
      document.documentElement.dataset.printReady = "1";
    });
  return printing;
}

function leave() {
  if (!printing) return leaving;
  const done = printing;
  printing = null;
  leaving = done
    .then(() => printLayout(false))
    .then(() => {
      if (!printing) delete document.documentElement.dataset.printReady;
    });
  return leaving;
}

window.addEventListener("beforeprint", enter);
window.addEventListener("afterprint", leave);
// Print preview / emulated print media (tests): the same, through the media query.
const mq = typeof window.matchMedia === "function" ? window.matchMedia("print") : null;
mq?.addEventListener?.("change", (e) => (e.matches ? enter() : leave()));
