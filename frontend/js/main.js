// approxlab frontend: scene list, routing (all state in the URL hash), request
// sequencing and rendering. Generic: nothing here knows any particular scene.

import { Api } from "./api.js";
import { Controls, isVisible, visibleWhen } from "./controls.js";
import { renderChecks, renderMetrics, renderNotes } from "./panels.js";
import { PlotArea } from "./plots.js";
import { buildHash, parseHash, viewKey } from "./route.js";
import { escapeHtml, paramString, richText } from "./format.js";
import { mountWidgets } from "./widgets/index.js";
import { renderLanding } from "./landing.js";
import "./share.js";
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
  stage: $("plot-stage"),
  more: $("plot-more"),
  landing: $("landing"),
  landingChapters: $("landing-chapters"),
  statementBox: $("statement-box"),
  checksCard: $("checks-card"),
  checksDetails: $("checks-details"),
  checksEmpty: $("checks-empty"),
  openFull: $("open-full"),
  openFullLink: $("open-full-link"),
  sidebarToggle: $("sidebar-toggle"),
  presentToggle: $("present-toggle"),
  shortcutsOpen: $("shortcuts-open"),
  shortcuts: $("shortcuts-dialog"),
  metrics: $("metrics"),
  checks: $("checks"),
  checksSummary: $("checks-summary"),
  notesSection: $("notes-section"),
  notes: $("notes"),
};

const api = new Api();
// The primary plot (the one picture that carries the theorem) is drawn first and largest,
// in its own area next to the controls; the other plots follow below.
const stagePlots = new PlotArea(dom.stage, { onSettled: () => settled() });
const morePlots = new PlotArea(dom.more, { onSettled: () => settled() });
const plots = {
  get pending() {
    return stagePlots.pending + morePlots.pending;
  },
  element(id) {
    return stagePlots.element(id) || morePlots.element(id);
  },
  reset() {
    stagePlots.reset();
    morePlots.reset();
  },
};

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
  renderLanding(dom.landingChapters, groupByChapter(app.scenes));
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
  leaveScene();
  app.renderedSeq = app.seq;
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

/** Forget the scene on screen (for the landing page and unknown scenes). */
function leaveScene() {
  app.widgets?.destroy();
  app.widgets = null;
  app.scene = null;
  app.viewKey = "";
  app.seq += 1;
  app.renderedSeq = app.seq;
  setBusy(false);
  plots.reset();
  markCurrent(null);
  dom.landing.hidden = true;
}

/** `#/`: what approxlab is, the chapters with their scenes, how to read a scene. */
function showLanding() {
  leaveScene();
  hideMessage();
  dom.scene.hidden = true;
  dom.landing.hidden = false;
  document.title = "approxlab · approximation theory of neural networks, computed live";
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
    dom.stage.replaceChildren(p);
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

function applyViewClasses(view) {
  const present = Boolean(view.present && !view.embed);
  const changed = dom.body.classList.contains("present") !== present;
  dom.body.classList.toggle("embed", view.embed);
  dom.body.classList.toggle("present", present);
  // The root font size changes with presenter mode; modules that cache sizes per window
  // size (the plots' font) re-read them on a resize.
  if (changed) window.dispatchEvent(new Event("resize"));
  dom.body.classList.toggle("no-checks", !view.checks);
  dom.body.classList.toggle("chosen-plots", Boolean(view.plots));
  dom.presentToggle.setAttribute("aria-pressed", String(Boolean(view.present)));
}

function mountScene(scene, view) {
  hideMessage();
  dom.landing.hidden = true;
  applyViewClasses(view);
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
  dom.checksSummary.textContent = "Theorem checks";
  dom.checksEmpty.hidden = true;
  dom.checksCard.hidden = !view.checks;
  // The full list is open where there is room for it; embeds, presenter mode and phones
  // show the one-line summary, which opens it.
  dom.checksDetails.open = !view.embed && !view.present && window.innerWidth > 760 && window.innerHeight >= 900;
  dom.openFull.hidden = !view.embed;
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
  fitStage();
  fitStatement();
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
  app.appliedHash = location.hash;
  applyViewClasses(route.view);
  if (!route.id) {
    showLanding();
    return;
  }
  const scene = app.byId.get(route.id);
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
  updateOpenFull();
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
function changeParams(updates, phase, control, dropDefaults = false) {
  if (!app.scene) return;
  app.lastChanged = control;
  const params = { ...app.params, ...updates };
  const changed = !sameParams(params, app.params);
  app.params = params;
  const props = app.scene.params_schema?.properties || {};
  for (const [name, value] of Object.entries(updates)) {
    // A window reset to its default (the plot's reset button) leaves the link, too.
    const atDefault = dropDefaults && props[name] && Number(value) === Number(props[name].default);
    if (atDefault) app.explicit.delete(name);
    else app.explicit.add(name);
  }
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
  updateOpenFull(hash);
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
  if (!app.scene || plots.pending) return;
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
    const { primary, more } = plotSplit(scene, shown, app.view);
    const opts = {
      sceneId: scene.id,
      scene,
      schema: scene.params_schema,
      compact: app.view.embed,
      present: app.view.present && !app.view.embed,
      // a zoom or pan writes the visible window into the hash: the exact knots come back
      onWindow: (lo, hi, plot) => changeParams({ [plot.zoom.lo]: String(lo), [plot.zoom.hi]: String(hi) }, "repeat", null, true),
    };
    const drawn = stagePlots.render(shown, { ...opts, only: primary });
    const rest = morePlots.render(shown, { ...opts, only: more });
    await Promise.all([drawn, rest]);
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
    renderChecks(dom.checks, dom.checksSummary, result.checks, { empty: dom.checksEmpty, emptyText: scene.summary });
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

// ---------------------------------------------------------------- plots, stage and chrome

/**
 * Which plots go where: the scene's primary plot on the stage (drawn first and largest),
 * the others below. `plots=` picks and orders plots; an embed shows only the primary plot
 * unless `plots=` names more.
 */
function plotSplit(scene, result, view) {
  const ids = (result.plots || []).map((p) => p.id);
  const chosen = view.plots ? ids.filter((id) => view.plots.includes(id)) : ids;
  let primary = chosen.includes(scene.primary_plot) ? scene.primary_plot : chosen[0];
  if (view.plots && view.plots.length && chosen.includes(view.plots[0])) primary = view.plots[0];
  const more = view.embed && !view.plots ? [] : chosen.filter((id) => id !== primary);
  return { primary: primary ? [primary] : [], more };
}

/**
 * Size the stage so that the primary plot ends inside the first screen, next to the
 * controls and the check summary. The statement, when open, does not count: it pushes the
 * stage down rather than shrinking it.
 */
function fitStage() {
  if (dom.scene.hidden) return;
  const root = document.documentElement;
  const vh = window.innerHeight;
  const narrow = window.innerWidth <= 760;
  let h;
  placeActions(narrow);
  // Descriptions of the controls stay on screen where there is room; otherwise they are
  // kept for screen readers only (aria-describedby) so the controls fit the first screen.
  dom.workbench.classList.remove("terse");
  if (!narrow && !app.view?.embed) {
    const bottom = dom.controlsCard.getBoundingClientRect().bottom + window.scrollY;
    const summary = app.view?.checks === false ? 0 : 84; // the summary card: up to two lines
    if (bottom + summary > vh) dom.workbench.classList.add("terse");
  }
  if (narrow && !app.view?.embed) {
    h = Math.round(Math.min(Math.max(240, vh * 0.42), 380));
  } else {
    const rect = dom.stage.getBoundingClientRect();
    let top = rect.top + window.scrollY;
    if (dom.statementBox.open && !dom.statementBox.hidden) {
      const sum = dom.statementBox.querySelector("summary");
      top -= dom.statementBox.offsetHeight - (sum ? sum.offsetHeight : 0);
    }
    const stacked = app.view?.embed && getComputedStyle(dom.workbench).display === "flex";
    if (stacked) {
      // A narrow embed stacks controls, plot and summary: the plot takes what is left.
      const others = root.scrollHeight - dom.stage.offsetHeight;
      h = vh - others - 2;
    } else {
      h = vh - top - (app.view?.embed ? 6 : 14);
    }
    // Never squeeze the picture below a readable height: the card's title, toolbar and
    // caption come on top of it (a short window scrolls instead).
    const card = dom.stage.querySelector(".plot-card");
    const plot = card?.querySelector(".plot");
    const chrome = card && plot ? Math.max(0, card.offsetHeight - plot.offsetHeight) : 0;
    const least = app.view?.embed ? 200 : Math.max(300, chrome + 160);
    h = Math.round(Math.max(least, h));
  }
  root.style.setProperty("--stage-h", `${h}px`);
  if (app.view?.embed) {
    // An embed must not scroll: give back whatever still sticks out below the frame.
    const over = root.scrollHeight - vh;
    if (over > 0 && h - over >= 160) root.style.setProperty("--stage-h", `${h - over}px`);
  }
}

/**
 * The share/export row sits under the title on wide screens; on a phone it moves below the
 * plots and controls so that the primary plot, its slider and the summary come first.
 */
function placeActions(narrow) {
  const bar = document.getElementById("scene-actions");
  if (!bar) return;
  if (!app.actionsHome) app.actionsHome = { parent: bar.parentElement, next: bar.nextSibling };
  if (narrow && !app.view?.embed) {
    if (bar.previousElementSibling !== dom.workbench) dom.workbench.after(bar);
  } else if (bar.parentElement !== app.actionsHome.parent) {
    app.actionsHome.parent.insertBefore(bar, app.actionsHome.next);
  }
}

/**
 * Statements wrap like text, but a MathML formula is one unbreakable box. A formula wider
 * than the statement is set smaller (down to 75 %); if it still does not fit, it scrolls on
 * its own — focusable, with a visible cue — and the page never scrolls sideways.
 */
function fitStatement() {
  const box = dom.statement;
  if (!dom.statementBox.open || dom.scene.hidden) return;
  const style = getComputedStyle(box);
  const room = box.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
  if (!(room > 0)) return;
  for (const math of box.querySelectorAll("math")) {
    let wrap = math.parentElement;
    if (!wrap.classList.contains("math-fit")) {
      wrap = document.createElement("span");
      wrap.className = "math-fit";
      math.replaceWith(wrap);
      wrap.append(math);
    }
    math.style.fontSize = "";
    wrap.classList.remove("math-scroll");
    wrap.removeAttribute("tabindex");
    wrap.removeAttribute("role");
    wrap.removeAttribute("aria-label");
    const width = math.getBoundingClientRect().width;
    if (width <= room) continue;
    const ratio = room / width;
    math.style.fontSize = `${Math.max(75, Math.floor(ratio * 100))}%`;
    if (ratio < 0.75) {
      wrap.classList.add("math-scroll");
      wrap.tabIndex = 0;
      wrap.setAttribute("role", "group");
      wrap.setAttribute("aria-label", "Formula, scrolls sideways");
    }
  }
}

/** The "Open in approxlab" link of an embed: the same state, without embed=1, new tab. */
function updateOpenFull(hash = location.hash) {
  if (!app.view?.embed) return;
  const route = parseHash(hash);
  const raw = { ...route.view.raw };
  delete raw.embed;
  const url = new URL(location.href);
  url.hash = buildHash(route.id || "", route.params, raw);
  dom.openFullLink.href = url.href;
}

function storage(key, value) {
  try {
    if (value === undefined) return localStorage.getItem(key);
    if (value === null) localStorage.removeItem(key);
    else localStorage.setItem(key, value);
  } catch {
    // storage may be unavailable (sandboxed frames, privacy settings): nothing is remembered
  }
  return null;
}

function setSidebar(open, remember = true) {
  dom.body.classList.toggle("nav-collapsed", !open);
  dom.sidebarToggle.setAttribute("aria-expanded", String(open));
  if (remember) storage("approxlab.sceneList", open ? null : "collapsed");
  requestAnimationFrame(fitStage);
}

function togglePresent() {
  const route = parseHash(location.hash);
  if (!route.id || route.view.embed) return;
  const raw = { ...route.view.raw };
  if (route.view.present) delete raw.present;
  else raw.present = "1";
  history.pushState(null, "", buildHash(route.id, route.params, raw));
  navigate();
}

function typing(el) {
  if (!el || el === document.body) return false;
  if (el.isContentEditable) return true;
  const tag = el.tagName;
  if (tag === "TEXTAREA" || tag === "SELECT") return true;
  return tag === "INPUT" && !["range", "checkbox", "radio", "button", "submit"].includes(el.type);
}

function setupChrome() {
  setSidebar(storage("approxlab.sceneList") !== "collapsed", false);
  dom.sidebarToggle.addEventListener("click", () => {
    setSidebar(dom.body.classList.contains("nav-collapsed"));
  });
  dom.presentToggle.addEventListener("click", togglePresent);
  dom.shortcutsOpen.addEventListener("click", () => dom.shortcuts.showModal());
  dom.shortcuts.addEventListener("click", (e) => {
    if (e.target === dom.shortcuts) dom.shortcuts.close(); // a click on the backdrop
  });
  document.addEventListener("keydown", (e) => {
    if (e.defaultPrevented || e.ctrlKey || e.metaKey || e.altKey || typing(e.target)) return;
    if (dom.shortcuts.open || app.view?.embed) return;
    if (e.key === "?") {
      e.preventDefault();
      dom.shortcuts.showModal();
    } else if (e.key === "p" || e.key === "P") {
      if (!app.scene) return;
      e.preventDefault();
      togglePresent();
    }
  });
  dom.statementBox.addEventListener("toggle", () => {
    storage("approxlab.statement", dom.statementBox.open ? "open" : null);
    fitStatement();
  });
  dom.statementBox.open = storage("approxlab.statement") === "open";
  let resizeFrame = 0;
  window.addEventListener("resize", () => {
    cancelAnimationFrame(resizeFrame);
    resizeFrame = requestAnimationFrame(() => {
      fitStage();
      fitStatement();
    });
  });
  // Titles and the source can wrap differently per scene: refit when the head changes size.
  if (typeof ResizeObserver === "function") {
    let last = -1;
    new ResizeObserver(() => {
      const top = Math.round(dom.stage.getBoundingClientRect().top + window.scrollY);
      if (top !== last) {
        last = top;
        fitStage();
      }
    }).observe(dom.scene.querySelector(".scene-head"));
  }
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
  setupChrome();
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
