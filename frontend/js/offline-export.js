// "Download offline demo" in the scene's toolbar (#scene-actions): the scene at the
// current parameters as one self-contained HTML file, every value of its first visible
// slider precomputed (GET /api/v1/scenes/{id}/export.html, see approxlab/standalone.py),
// whose slider works from file:// with no server and no network.

import { paramString } from "./format.js";

const ATTR = "data-offline-export";
let current = null; // {scene, params} of the last render
let busy = false;

function parts() {
  const bar = document.getElementById("scene-actions");
  if (!bar) return null;
  let wrap = bar.querySelector(`[${ATTR}]`);
  if (!wrap) {
    wrap = document.createElement("span");
    wrap.className = "offline-export";
    wrap.setAttribute(ATTR, "");
    const button = document.createElement("button");
    button.type = "button";
    button.className = "btn btn-small offline-export-button";
    button.textContent = "Download offline demo";
    button.title =
      "One HTML file with this scene and every value of its first slider computed in advance: it opens without a server or network";
    button.addEventListener("click", download);
    const status = document.createElement("span");
    status.className = "offline-export-status";
    status.setAttribute("role", "status");
    wrap.append(button, status);
    bar.append(wrap);
  }
  return { wrap, button: wrap.querySelector("button"), status: wrap.querySelector("[role=status]") };
}

function exportUrl({ scene, params }) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params || {})) q.set(k, paramString(v));
  return `api/v1/scenes/${encodeURIComponent(scene.id)}/export.html?${q}`;
}

function filename(response, scene) {
  const m = /filename="([^"]+)"/.exec(response.headers.get("Content-Disposition") || "");
  return m ? m[1] : `${scene.id}-offline.html`;
}

async function download() {
  const ui = parts();
  if (!ui || !current || busy) return;
  const job = current;
  busy = true;
  ui.button.setAttribute("aria-disabled", "true");
  ui.wrap.setAttribute("aria-busy", "true");
  ui.status.textContent = "Computing every value of the slider…";
  try {
    const r = await fetch(exportUrl(job));
    if (!r.ok) {
      const body = await r.json().catch(() => null);
      ui.status.textContent = `Could not make the offline demo: ${body?.message || `error ${r.status}`}`;
      return;
    }
    const blob = await r.blob();
    const name = filename(r, job.scene);
    const a = document.createElement("a");
    a.href = URL.createObjectURL(blob);
    a.download = name;
    a.hidden = true;
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(a.href), 60_000);
    const values = r.headers.get("X-Approxlab-Values");
    const all = r.headers.get("X-Approxlab-Slider-Values");
    const mb = (blob.size / 1e6).toFixed(1);
    const held = values && all && values !== all ? `${values} of ${all} slider values` : `${values || "all"} slider values`;
    ui.status.textContent = `Saved ${name} (${mb} MB, ${held}).`;
  } catch (err) {
    ui.status.textContent = `Could not make the offline demo: ${err?.message || err}`;
  } finally {
    busy = false;
    ui.button.removeAttribute("aria-disabled");
    ui.wrap.removeAttribute("aria-busy");
  }
}

/** Whether the scene has a control whose values a file can hold (cpwl has none). */
function sweepable(scene) {
  const props = scene.params_schema?.properties || {};
  return Object.values(props).some(
    (p) =>
      !p.hidden &&
      (Array.isArray(p.enum) ||
        p.type === "boolean" ||
        ((p.type === "number" || p.type === "integer") && Number.isFinite(p.minimum) && Number.isFinite(p.maximum))),
  );
}

window.addEventListener("approxlab:render", (e) => {
  const { scene, params } = e.detail || {};
  if (!scene || !params) return;
  const changed = current && current.scene.id !== scene.id;
  current = { scene, params };
  const ui = parts();
  if (!ui) return;
  ui.wrap.hidden = !sweepable(scene);
  if (changed && !busy) ui.status.textContent = "";
});
