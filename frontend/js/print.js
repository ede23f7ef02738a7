// Print (issue 11.6): one scene on at most two A4 pages — parameters and source printed,
// plots at full width, each title kept with its plot (css/print.css). Plotly draws at a
// fixed pixel size, so before printing every plot is drawn (also those scrolled out of
// view) at the printed width and height, and restored afterwards.

import { printLayout } from "./plots.js";

// A4 minus the margins of css/print.css (12 mm each side), in CSS px (96 per inch).
const PAGE_WIDTH_PX = Math.round(((210 - 24) / 25.4) * 96);

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

let printing = null;
async function enter() {
  if (printing) return printing;
  document.documentElement.dataset.printReady = "0";
  printing = printLayout(true, PAGE_WIDTH_PX).then(() => {
    document.documentElement.dataset.printReady = "1";
  });
  return printing;
}

async function leave() {
  if (!printing) return;
  await printing;
  printing = null;
  delete document.documentElement.dataset.printReady;
  await printLayout(false);
}

window.addEventListener("beforeprint", enter);
window.addEventListener("afterprint", leave);
// Print preview / emulated print media (tests): the same, through the media query.
const mq = typeof window.matchMedia === "function" ? window.matchMedia("print") : null;
mq?.addEventListener?.("change", (e) => (e.matches ? enter() : leave()));
