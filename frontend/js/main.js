// approxlab frontend: scene list, routing (all state in the URL hash), request
// sequencing and rendering. Generic: nothing here knows any particular scene.

import { Api } from "./api.js";
import { Controls, isVisible, visibleWhen } from "./controls.js";
import { renderChecks, renderMetrics, renderNotes } from "./panels.js";
import { PlotArea } from "./plots.js";
import { buildHash, parseHash, viewKey } from "./route.js";
import { escapeHtml, paramString, richText } from "./format.js";
import { mountWidgets } from "./widgets/index.js";
import "./network-panel.js";
import "./keys.js";
import "./print.js";
import "./offline-export.js";

const BUSY_DELAY_MS = 150;
// While dragging, at most this many results are fetched at once; the newest value goes
// out as soon as one comes back (a classroom shares one server).
const MAX_IN_FLIGHT = 4;

// Plotly.js (4.8 MB) is a deferred classic script placed after this module, so the scene
// list and the first result are fetched while the browser is still compiling it.
const plotlyReady = new Promise((resolve, reject) => {
  if (window.Plotly) return resolve(window.Plotly);
  const tag = document.getElementById("plotly-js");
  if (!tag) return reject(new Error("no <script id=plotly-js>"));
  tag.addEventListener("load", () => resolve(window.Plotly));
  tag.addEventListener("error", () => reject(new Error("Plotly.js could not be loaded (vendor/plotly.min.js).")));
});
plotlyReady.catch(() => {});

const $ = (id) => document.getElementById(id);
const dom = {
  body: document.body,
  progress: $("progress"),
  sidebar: $("sidebar"),
  sceneList: $("scene-list"),
  sceneSelect: $("scene-select"),
  message: $("message"),
  scene: $("scene"),
  sceneWidgets: $("scene-widgets"),
  chapter: $("scene-chapter"),
  title: $("scene-title"),
  source: $("scene-source"),
  statement: $("scene-statement"),
  controlsCard: $("controls"),
  form: $("control-form"),
  paramError: $("param-error"),
  workbench: $("workbench"),
  plots: $("plots"),
  metrics: $("metrics"),
  checks: $("checks"),
  checksSummary: $("checks-summary"),
  notesSection: $("notes-section"),
  notes: $("notes"),
};

const api = new Api();
const plots = new PlotArea(dom.plots, { onSettled: () => settled() });

const app = {
  scenes: [], // sorted by chapter
  byId: new Map(),
  scene: null, // current scene info
  view: null, // parsed view options
  viewKey: "",
  params: {}, // effective params (strings), schema order
  controls: null,
  visibility: new Map(), // param -> visible_when rules (from the schema)
  widgets: null, // the scene's opt-in widgets (widgets/index.js)
  seq: 0, // last request issued
  renderedSeq: 0, // newest request whose outcome is on screen
  panels: "", // signature of the metrics/checks/notes on screen
  lastChanged: null, // the parameter the user changed last
  appliedHash: null, // the location.hash the page shows
  explicit: new Set(), // parameters named in the URL or changed by the user
  inFlight: 0,
  held: false, // a request is waiting for a free slot
  dragging: false,
  previewing: false, // a widget is showing a change that is not in the URL yet
  rafPending: false,
  busyTimer: null,
  hasResult: false,
  focusTitle: false,
};

// Hooks for tests and the benchmark (read-only for them).
const hooks = {
  renderSeq: 0,
  lastRender: null, // performance.now() when the last render finished
  firstRender: null, // performance.now() of the first finished render
  rendered: null, // {seq, url, scene, params}
  error: null,
  requests: 0,
  prefetch: true, // fetch the neighbouring slider values after each change
  settledSeq: 0, // newest render whose off-screen plots are drawn too
  lastSettled: null,
  /** True when no request is outstanding, nothing is scheduled and every plot is drawn. */
  get idle() {
    return app.renderedSeq >= app.seq && !app.rafPending && !app.held && plots.pending === 0;
  },
};
window.approxlab = hooks;

// ---------------------------------------------------------------- scene list

function chapterSort(a, b) {
  return String(a.chapter).localeCompare(String(b.chapter), "en", { numeric: true });
}

function groupByChapter(scenes) {
  const groups = new Map();
  for (const s of scenes) {
    if (!groups.has(s.chapter)) groups.set(s.chapter, []);
    groups.get(s.chapter).push(s);
  }
  return groups;
}

function buildSceneList() {
  const groups = groupByChapter(app.scenes);
  const frag = document.createDocumentFragment();
  for (const [chapter, scenes] of groups) {
    const section = document.createElement("section");
    section.className = "chapter";
    const h = document.createElement("h3");
    h.className = "chapter-title";
    h.textContent = chapter;
    const ul = document.createElement("ul");
    for (const s of scenes) {
      const li = document.createElement("li");
      const a = document.createElement("a");
      a.href = `#/${encodeURIComponent(s.id)}`;
      a.dataset.scene = s.id;
      a.innerHTML = `<span class="scene-link-title">${richText(s.title)}</span><span class="scene-link-source">${escapeHtml(s.source)}</span>`;
      a.addEventListener("click", () => {
        app.focusTitle = true;
      });
      li.append(a);
      ul.append(li);
    }
    section.append(h, ul);
    frag.append(section);
  }
  dom.sceneList.replaceChildren(frag);

  dom.sceneSelect.replaceChildren();
  for (const [chapter, scenes] of groups) {
    const og = document.createElement("optgroup");
    og.label = chapter;
    for (const s of scenes) {
      const o = document.createElement("option");
      o.value = s.id;
      o.textContent = s.title;
      og.append(o);
    }
    dom.sceneSelect.append(og);
  }
  dom.sceneSelect.addEventListener("change", () => {
    const id = dom.sceneSelect.value;
    if (app.scene && id === app.scene.id) return;
    history.pushState(null, "", buildHash(id, {}, app.view ? app.view.raw : {}));
    navigate();
  });
}

function markCurrent(id) {
  let current = null;
  for (const a of dom.sceneList.querySelectorAll("a[data-scene]")) {
    if (a.dataset.scene === id) {
      a.setAttribute("aria-current", "page");
      current = a;
    } else a.removeAttribute("aria-current");
  }
  dom.sceneSelect.value = id ?? "";
  // Keep the current scene in view in the (separately scrolling) scene list.
  const nav = dom.sidebar;
  if (current && nav.scrollHeight > nav.clientHeight) {
    const top = current.offsetTop;
    if (top < nav.scrollTop || top + current.offsetHeight > nav.scrollTop + nav.clientHeight) {
      nav.scrollTop = Math.max(0, top - nav.clientHeight / 3);
    }
  }
}

// ---------------------------------------------------------------- messages

function showMessage(html, { keepScene = false } = {}) {
  dom.message.innerHTML = html;
  dom.message.hidden = false;
  if (!keepScene) dom.scene.hidden = true;
}

function hideMessage() {
  dom.message.hidden = true;
  dom.message.replaceChildren();
}

function showUnknownScene(id) {
  app.widgets?.destroy();
  app.widgets = null;
  app.scene = null;
  app.viewKey = "";
  app.seq += 1;
  app.renderedSeq = app.seq;
  setBusy(false);
  plots.reset();
  markCurrent(null);
  document.title = "Scene not found · approxlab";
  const links = app.scenes
    .map(
      (s) =>
        `<li><a href="#/${encodeURIComponent(s.id)}">${richText(s.title)}</a> <span class="muted">${escapeHtml(s.source)}</span></li>`,
    )
    .join("");
  showMessage(
    `<h1>There is no scene called “${escapeHtml(id)}”.</h1>
     <p>The link may be mistyped or come from a newer version of approxlab. These scenes are available:</p>
     <ul class="scene-index">${links}</ul>`,
  );
}

function showParamError(outcome) {
  const detail = Array.isArray(outcome.detail) ? outcome.detail : [];
  const names = detail.map((d) => d.param || (Array.isArray(d.loc) ? d.loc[d.loc.length - 1] : null)).filter(Boolean);
  app.controls?.setInvalid(names.map(String));
  const hidden = names.filter((n) => app.controls && !app.controls.widgets.has(n));
  dom.paramError.textContent = outcome.message + (hidden.length ? ` (set in the URL: ${hidden.join(", ")})` : "");
  dom.paramError.hidden = false;
  dom.workbench.classList.toggle("stale", app.hasResult);
  hooks.error = { status: outcome.status, message: outcome.message };
  if (!app.hasResult) {
    // Nothing to show yet: say why where the plots would be.
    const p = document.createElement("p");
    p.className = "plots-placeholder";
    p.textContent = `No plots for these parameters. ${dom.paramError.textContent}`;
    dom.plots.replaceChildren(p);
  }
  // With no visible controls (embed with controls=…), the message still has to show.
  dom.controlsCard.hidden = false;
}

function clearParamError() {
  if (dom.paramError.hidden) return;
  dom.paramError.hidden = true;
  dom.paramError.textContent = "";
  app.controls?.setInvalid([]);
  dom.workbench.classList.remove("stale");
  dom.controlsCard.hidden = !app.controls || app.controls.size === 0;
  hooks.error = null;
}

// ---------------------------------------------------------------- busy indicator

function setBusy(on) {
  dom.progress.hidden = !on;
  if (on) dom.workbench.setAttribute("aria-busy", "true");
  else dom.workbench.removeAttribute("aria-busy");
}

function armBusy() {
  if (app.busyTimer !== null || !dom.progress.hidden) return;
  app.busyTimer = setTimeout(() => {
    app.busyTimer = null;
    if (app.renderedSeq < app.seq || app.held) setBusy(true);
  }, BUSY_DELAY_MS);
}

function settleBusy() {
  if (app.renderedSeq < app.seq || app.held) return; // a newer request is still out
  if (app.busyTimer !== null) clearTimeout(app.busyTimer);
  app.busyTimer = null;
  setBusy(false);
}

// ---------------------------------------------------------------- scene view

function effectiveParams(scene, params) {
  const out = {};
  const props = scene.params_schema?.properties || {};
  for (const [name, prop] of Object.entries(props)) {
    if (params[name] !== undefined) out[name] = params[name];
    else if (prop.default !== undefined && prop.default !== null) out[name] = String(prop.default);
  }
  // Unknown parameters are passed on: the server names them in its 422 message.
  for (const [name, v] of Object.entries(params)) if (!(name in out)) out[name] = v;
  return out;
}

/**
 * The parameters sent to the API: all effective ones, except those whose control is hidden
 * by `visible_when` and which the user did not set (the server's default applies then).
 */
function requestParams(params = app.params) {
  const out = {};
  for (const [k, v] of Object.entries(params)) {
    if (app.explicit.has(k) || isVisible(app.visibility.get(k), params)) out[k] = v;
  }
  return out;
}

function visibilityRules(scene) {
  const rules = new Map();
  for (const [name, prop] of Object.entries(scene.params_schema?.properties || {})) {
    const r = visibleWhen(prop.visible_when);
    if (r) rules.set(name, r);
  }
  return rules;
}

/** What the opt-in widgets of a scene may use (see widgets/index.js). */
const widgetHost = {
  get params() {
    return app.params;
  },
  get view() {
    return app.view;
  },
  /** Change parameters: phase "preview" (not in the URL yet), "commit" or "repeat". */
  setParams(updates, phase = "commit") {
    changeParams(updates, phase, null);
  },
  /** The figure and Plotly div of a plot on screen, or null. */
  plot(id) {
    return plots.element(id);
  },
  plotly: () => plotlyReady,
  panelHost: dom.sceneWidgets,
};

function mountScene(scene, view) {
  hideMessage();
  dom.body.classList.toggle("embed", view.embed);
  dom.scene.hidden = false;
  dom.chapter.textContent = scene.chapter;
  dom.title.innerHTML = richText(scene.title);
  dom.source.textContent = scene.source;
  dom.statement.innerHTML = scene.statement_html || ""; // trusted, server-rendered MathML
  document.title = `${scene.title} · approxlab`;
  markCurrent(scene.id);

  app.hasResult = false;
  app.panels = "";
  app.lastChanged = null;
  plots.reset();
  dom.plots.dataset.renderSeq = "0";
  dom.metrics.replaceChildren();
  dom.checks.replaceChildren();
  dom.checksSummary.textContent = "";
  renderNotes(dom.notesSection, dom.notes, []);
  app.hasResult = false;
  dom.workbench.classList.remove("stale");
  dom.paramError.hidden = true;

  app.widgets?.destroy();
  app.widgets = null;
  app.visibility = visibilityRules(scene);
  app.controls = new Controls(dom.form, scene.params_schema, { only: view.controls, onChange: onControlChange });
  dom.controlsCard.hidden = app.controls.size === 0;
  dom.controlsCard.classList.toggle("single", app.controls.size === 1);

  app.scene = scene;
  app.view = view;
  app.viewKey = viewKey(view);
  app.widgets = mountWidgets(scene, widgetHost);
  // Responses for the previous scene must not land here.
  app.renderedSeq = app.seq;
  settleBusy();
}

function sameParams(a, b) {
  const ka = Object.keys(a);
  return ka.length === Object.keys(b).length && ka.every((k) => a[k] === b[k]);
}

/** Apply the URL to the page (initial load, back/forward, pasted link, scene links). */
function navigate() {
  // popstate and hashchange both fire for one navigation; apply each URL once.
  if (app.scene && location.hash === app.appliedHash) return;
  const route = parseHash(location.hash);
  if (!route.isRoute) return; // an in-page anchor, not a view
  if (!app.scenes.length) return;
  if (!route.id) {
    const first = app.scenes[0];
    history.replaceState(null, "", buildHash(first.id, route.params, route.view.raw));
    route.id = first.id;
  }
  app.appliedHash = location.hash;
  const scene = app.byId.get(route.id);
  dom.body.classList.toggle("embed", route.view.embed);
  if (!scene) {
    showUnknownScene(route.id);
    return;
  }
  const fresh = app.scene !== scene || app.viewKey !== viewKey(route.view);
  if (fresh) mountScene(scene, route.view);
  app.view = route.view;
  const params = effectiveParams(scene, route.params);
  app.dragging = false;
  app.previewing = false;
  app.explicit = new Set(Object.keys(route.params));
  app.widgets?.navigated();
  if (!fresh && sameParams(params, app.params) && app.hasResult) return;
  app.params = params;
  app.controls.set(params);
  request();
  if (fresh && app.focusTitle) {
    app.focusTitle = false;
    dom.title.focus({ preventScroll: false });
  }
}

// ---------------------------------------------------------------- control changes

function onControlChange(name, value, phase) {
  changeParams({ [name]: value }, phase, name);
}

/**
 * Apply a change of parameters made on the page (a control or a widget).
 *   phase "input":   a slider is being dragged: the URL follows in place (one history entry)
 *   phase "preview": a widget is being dragged: results follow, the URL waits for the commit
 *   phase "repeat":  a held key: the URL is updated in place
 *   phase "commit":  a finished change: a new history entry
 * `control` names the control the change came from (null: a widget; its controls are updated).
 */
function changeParams(updates, phase, control) {
  if (!app.scene) return;
  app.lastChanged = control;
  const params = { ...app.params, ...updates };
  const changed = !sameParams(params, app.params);
  app.params = params;
  for (const name of Object.keys(updates)) app.explicit.add(name);
  if (control === null) app.controls?.update(updates, params);
  else app.controls?.applyVisibility(params);
  if (phase === "preview") {
    app.previewing = true;
    scheduleRequest();
    return;
  }
  // The URL carries what the user set (from the link or the controls), in schema order;
  // untouched parameters keep their defaults and are left out to keep links short.
  const shown = Object.fromEntries(Object.entries(params).filter(([k]) => app.explicit.has(k)));
  const hash = buildHash(app.scene.id, shown, app.view.raw);
  app.appliedHash = hash;
  if (phase === "input") {
    // Dragging: one history entry for the whole drag, updated in place.
    if (!app.dragging) history.pushState(null, "", hash);
    else history.replaceState(null, "", hash);
    app.dragging = true;
    scheduleRequest();
    return;
  }
  if (phase === "repeat" || app.dragging) history.replaceState(null, "", hash);
  else if (hash !== location.hash) history.pushState(null, "", hash);
  app.dragging = false;
  const previewed = app.previewing;
  app.previewing = false;
  if (changed || previewed || !app.hasResult || !dom.paramError.hidden) request();
  else scheduleRequest();
}

function scheduleRequest() {
  if (app.rafPending) return;
  app.rafPending = true;
  requestAnimationFrame(() => {
    app.rafPending = false;
    request();
  });
}

// ---------------------------------------------------------------- requests and rendering

async function request() {
  const scene = app.scene;
  if (!scene) return;
  const url = api.sceneUrl(scene.id, requestParams());
  if (app.hasResult && hooks.rendered && hooks.rendered.url === url && app.renderedSeq === app.seq && dom.paramError.hidden) {
    return; // already on screen
  }
  const hit = api.cached(url);
  if (!hit && app.inFlight >= MAX_IN_FLIGHT) {
    app.held = true; // sent (with the then newest parameters) when a slot frees up
    armBusy();
    return;
  }
  const seq = ++app.seq;
  hooks.requests += 1;
  if (hit) {
    await render(hit, seq, url);
    return;
  }
  armBusy();
  app.inFlight += 1;
  const outcome = await api.result(url);
  app.inFlight -= 1;
  if (app.held) {
    app.held = false;
    request();
  }
  if (seq <= app.renderedSeq || app.scene !== scene) {
    settleBusy();
    return; // stale: something newer is already on screen
  }
  if (outcome.ok) {
    await render(outcome.data, seq, url);
  } else {
    app.renderedSeq = seq;
    showParamError(outcome);
    settleBusy();
  }
}

function settled() {
  if (!app.scene) return;
  hooks.settledSeq = app.renderedSeq;
  hooks.lastSettled = performance.now();
  window.dispatchEvent(new CustomEvent("approxlab:settled", { detail: { seq: app.renderedSeq, t: hooks.lastSettled } }));
}

async function render(result, seq, url) {
  app.renderedSeq = seq;
  const scene = app.scene;
  clearParamError();
  try {
    await plotlyReady;
    if (seq !== app.renderedSeq || app.scene !== scene) return; // overtaken while Plotly loaded
    const shown = app.widgets ? app.widgets.transform(result) : result;
    await plots.render(shown, {
      sceneId: scene.id, scene, schema: scene.params_schema, only: app.view.plots, compact: app.view.embed, present: app.view.present,
      onWindow: (lo, hi, plot) => changeParams({ [plot.zoom.lo]: String(lo), [plot.zoom.hi]: String(hi) }, "repeat", null),
    });
    if (seq === app.renderedSeq && app.scene === scene) app.widgets?.rendered(result);
  } catch (e) {
    showMessage(`<p>Could not draw the plots: ${escapeHtml(e.message)}</p>`, { keepScene: true });
  }
  // Panels after the plots (same frame): Plotly's text measuring forces layout, which
  // is cheaper while the rest of the page is clean. Touch them only if they changed.
  const sig = JSON.stringify([scene.id, result.metrics, result.checks, result.notes]);
  if (sig !== app.panels && seq === app.renderedSeq && app.scene === scene) {
    app.panels = sig;
    renderMetrics(dom.metrics, result.metrics, scene.metric_labels);
    renderChecks(dom.checks, dom.checksSummary, result.checks);
    renderNotes(dom.notesSection, dom.notes, result.notes);
  }
  app.hasResult = true;
  if (seq === app.renderedSeq && app.scene === scene) {
    const now = performance.now();
    hooks.renderSeq = seq;
    hooks.lastRender = now;
    if (hooks.firstRender === null) hooks.firstRender = now;
    hooks.rendered = { seq, url, scene: scene.id, params: { ...result.params } };
    dom.plots.dataset.renderSeq = String(seq);
    // Extension point for self-contained modules (network panel, export, share …): they
    // listen here instead of being wired into main.js.
    window.dispatchEvent(
      new CustomEvent("approxlab:render", {
        detail: { seq, url, t: now, scene, params: { ...result.params }, result, view: { ...app.view } },
      }),
    );
    prefetchNeighbours(scene);
  }
  settleBusy();
}

/**
 * After a change, quietly fetch the values one slider step either side of the control
 * the user is moving, so the next key press or drag step is served from the cache.
 */
function prefetchNeighbours(scene) {
  const name = app.lastChanged;
  const w = name && app.controls ? app.controls.widgets.get(name) : null;
  if (!hooks.prefetch || !w || !w.spec || document.hidden || app.dragging || app.previewing) return;
  const value = Number(app.params[name]);
  if (!Number.isFinite(value)) return;
  const base = { ...app.params };
  setTimeout(() => {
    if (app.scene !== scene) return;
    for (const dir of [1, -1]) {
      const v = paramString(w.spec.stepFrom(value, dir));
      if (v === base[name]) continue;
      const url = api.sceneUrl(scene.id, requestParams({ ...base, [name]: v }));
      if (!api.cached(url)) api.result(url);
    }
  }, 0);
}

// ---------------------------------------------------------------- boot

function skipLinks() {
  for (const a of document.querySelectorAll("a[data-skip]")) {
    a.addEventListener("click", (e) => {
      e.preventDefault(); // the hash holds the view; don't let the anchor replace it
      const target = $(a.dataset.skip);
      const first = target?.querySelector("input, select") || target;
      first?.focus();
    });
  }
}

async function boot() {
  skipLinks();
  let list;
  try {
    list = await api.scenes();
  } catch (e) {
    showMessage(
      `<h1>approxlab could not load its scenes.</h1><p>${escapeHtml(e.message || String(e))}</p><p>Reload the page to try again.</p>`,
    );
    dom.sceneList.replaceChildren();
    return;
  }
  app.scenes = [...list].sort(chapterSort);
  app.byId = new Map(app.scenes.map((s) => [s.id, s]));
  buildSceneList();
  window.addEventListener("popstate", navigate);
  window.addEventListener("hashchange", navigate);
  if (!app.scenes.length) {
    showMessage("<p>The server offers no scenes.</p>");
    return;
  }
  navigate();
}

boot();
