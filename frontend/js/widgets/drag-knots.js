// drag-knots: the points of one marker trace become handles for two list parameters.
//
// config: {plot, trace, x_param, y_param, x_range, y_range, min_points, max_points}
//   y_param  comma-separated values, one per point
//   x_param  comma-separated positions (may be empty: equally spaced on x_range)
//
//   drag a point            up/down rewrites its value, sideways its position (kept strictly
//                           between its neighbours; an empty x_param is filled first)
//   click the plot area     inserts a point there
//   shift-click a point     removes it
//   keyboard (chart focused) ←/→ select, ↑/↓ (PageUp/PageDown: more, Shift: finer) move it
//                           up/down, Shift+←/→ sideways, Delete removes, + or Insert adds
//
// While dragging, the point follows the pointer at once (Plotly.restyle, axes held still)
// and new results are asked for through the host at most once per frame ("preview"); the
// URL gets its history entry on release. Pointer → data through Plotly's own axes
// (_fullLayout.xaxis.p2d / d2p), so mouse, pen and touch all work the same.

import { formatNumber } from "../format.js";

const HIT_PX = { mouse: 12, pen: 14, touch: 22 };
const CLICK_PX = 5; // pointer travel below this is a click; an axis follows only beyond it
const MESSAGE_MS = 4000;

let uid = 0;

function finite(x) {
  return typeof x === "number" && Number.isFinite(x);
}

function range(r, fallback) {
  return Array.isArray(r) && r.length === 2 && finite(r[0]) && finite(r[1]) && r[0] < r[1] ? [r[0], r[1]] : fallback;
}

/** "0, 0.8; 1" → [0, 0.8, 1] (the server's separators); null when an item is no number. */
export function parseList(text) {
  const tokens = String(text ?? "")
    .trim()
    .split(/[,;\s]+/)
    .filter(Boolean);
  const out = tokens.map(Number);
  return out.every(finite) ? out : null;
}

/** Equally spaced points on [a, b]. */
export function linspace(a, b, n) {
  if (n <= 1) return n === 1 ? [a] : [];
  return Array.from({ length: n }, (_, i) => (i === n - 1 ? b : a + ((b - a) * i) / (n - 1)));
}

/** Decimals that resolve about 1/2000 of `span` (≈ 4 significant digits for the range). */
export function decimalsFor(span) {
  return Math.min(12, Math.max(0, Math.ceil(-Math.log10(Math.abs(span) / 2000))));
}

/** A round step near `approx` (1, 2 or 5 × 10^k) and the decimals it needs. */
export function niceStep(approx) {
  const e = Math.floor(Math.log10(approx));
  const m = approx / 10 ** e;
  const step = (m >= 5 ? 5 : m >= 2 ? 2 : 1) * 10 ** e;
  return { step, decimals: Math.max(0, -e) };
}

function rounded(v, decimals) {
  const r = Number(v.toFixed(decimals));
  return r === 0 ? 0 : r; // no "-0" in URLs
}

function listString(xs) {
  return xs.map((v) => String(v)).join(",");
}

function clamp(v, lo, hi) {
  return Math.min(hi, Math.max(lo, v));
}

export class DragKnots {
  constructor(config, host) {
    this.host = host;
    this.cfg = {
      plot: String(config.plot ?? ""),
      trace: String(config.trace ?? ""),
      xParam: String(config.x_param ?? ""),
      yParam: String(config.y_param ?? ""),
      xRange: range(config.x_range, [0, 1]),
      yRange: range(config.y_range, [-Infinity, Infinity]),
      min: Number.isInteger(config.min_points) ? config.min_points : 1,
      max: Number.isInteger(config.max_points) ? config.max_points : Infinity,
    };
    uid += 1;
    this.id = `dk-${uid}`;
    this.fig = null;
    this.div = null;
    this.traceIndex = -1;
    this.selected = 0;
    this.drag = null; // the drag in progress
    this.press = null; // a press on the empty plot area (a click inserts)
    this.pending = null; // {xs, ys} committed, not rendered yet: the marker keeps showing it
    this.frozen = null; // {x, y} axis ranges held still while a point moves
    this.raf = 0;
    this.messageTimer = 0;
    this.afterplotDiv = null;
    this.on = {
      down: (e) => this.onPointerDown(e),
      move: (e) => this.onPointerMove(e),
      up: (e) => this.onPointerUp(e),
      cancel: (e) => this.onPointerCancel(e),
      key: (e) => this.onKey(e),
      focus: () => this.onFocus(),
      blur: () => this.placeRing(),
      leave: () => this.fig?.classList.remove("dk-grab"),
      // a finger on a knot drags it instead of scrolling the page (pointerdown, which comes
      // first, has started the drag); elsewhere the page scrolls as usual
      touch: (e) => {
        if (this.drag) {
          e.preventDefault();
          e.stopPropagation();
        }
      },
      afterplot: () => this.placeRing(),
    };
  }

  // ------------------------------------------------------------ lifecycle

  /** The edited plot: no zoom box (a press belongs to the knots), and while a change is
   *  on its way, the points where the user put them and the axes held still. */
  transform(result) {
    this.settlePending(result.params || {});
    const shown = this.drag || this.pending;
    const plots = (result.plots || []).map((plot) => {
      if (plot.id !== this.cfg.plot) return plot;
      const traces = shown
        ? (plot.traces || []).map((t) => (t.name === this.cfg.trace ? { ...t, x: shown.xs.slice(), y: shown.ys.slice() } : t))
        : plot.traces;
      return { ...plot, traces, layoutPatch: this.layoutPatch() };
    });
    return { ...result, plots };
  }

  layoutPatch() {
    const patch = { dragmode: false };
    if (this.frozen) {
      patch.xaxis = { range: this.frozen.x.slice(), autorange: false };
      patch.yaxis = { range: this.frozen.y.slice(), autorange: false };
    }
    return patch;
  }

  rendered(result) {
    const plot = (result.plots || []).find((p) => p.id === this.cfg.plot);
    this.traceIndex = plot ? (plot.traces || []).findIndex((t) => t.name === this.cfg.trace) : -1;
    const el = this.traceIndex >= 0 ? this.host.plot(this.cfg.plot) : null;
    this.attach(el);
    this.lastParams = result.params || {};
    if (!this.div) return;
    this.settlePending(this.lastParams);
    const n = this.points()?.xs.length ?? 0;
    if (this.selected >= n) this.selected = Math.max(0, n - 1);
    this.placeRing();
  }

  /** A committed change is in this result, or the user has changed something else since:
   *  the points and the axes follow the results again. */
  settlePending(params) {
    if (this.pending && !this.drag && (this.matches(params, this.pending) || !this.matches(this.host.params, this.pending))) {
      this.pending = null;
      this.frozen = null;
    }
  }

  navigated() {
    // back/forward or a pasted link: whatever was being dragged is gone
    this.endDrag(false);
    this.pending = null;
    this.frozen = null;
  }

  destroy() {
    this.endDrag(false);
    this.endPress();
    this.attach(null);
    clearTimeout(this.messageTimer);
  }

  attach(el) {
    const div = el ? el.div : null;
    if (div !== this.div) {
      if (this.div) {
        const d = this.div;
        d.removeEventListener("pointerdown", this.on.down, true);
        d.removeEventListener("pointermove", this.on.move, true);
        d.removeEventListener("pointerup", this.on.up, true);
        d.removeEventListener("pointercancel", this.on.cancel, true);
        d.removeEventListener("lostpointercapture", this.on.cancel);
        d.removeEventListener("pointerleave", this.on.leave);
        d.removeEventListener("touchstart", this.on.touch, true);
        d.removeEventListener("touchmove", this.on.touch, true);
        d.removeEventListener("keydown", this.on.key);
        d.removeEventListener("focus", this.on.focus);
        d.removeEventListener("blur", this.on.blur);
        if (typeof d.removeListener === "function") d.removeListener("plotly_afterplot", this.on.afterplot);
        for (const a of ["tabindex", "role", "aria-roledescription", "aria-describedby"]) d.removeAttribute(a);
        this.fig?.classList.remove("dk-on", "dk-grab", "dk-dragging");
        this.extras?.remove();
        this.ring?.remove();
      }
      this.div = div;
      this.fig = el ? el.fig : null;
      this.afterplotDiv = null;
      if (div) {
        div.addEventListener("pointerdown", this.on.down, true);
        div.addEventListener("pointermove", this.on.move, true);
        div.addEventListener("pointerup", this.on.up, true);
        div.addEventListener("pointercancel", this.on.cancel, true);
        div.addEventListener("lostpointercapture", this.on.cancel);
        div.addEventListener("pointerleave", this.on.leave);
        div.addEventListener("touchstart", this.on.touch, { capture: true, passive: false });
        div.addEventListener("touchmove", this.on.touch, { capture: true, passive: false });
        div.addEventListener("keydown", this.on.key);
        div.addEventListener("focus", this.on.focus);
        div.addEventListener("blur", this.on.blur);
        div.setAttribute("tabindex", "0");
        div.setAttribute("role", "application");
        div.setAttribute("aria-roledescription", "editable chart");
        div.setAttribute("aria-describedby", `${this.id}-hint ${this.id}-status`);
        this.fig.classList.add("dk-on");
        this.buildExtras();
      }
    }
    if (this.div && this.afterplotDiv !== this.div && typeof this.div.on === "function") {
      this.div.on("plotly_afterplot", this.on.afterplot);
      this.afterplotDiv = this.div;
    }
  }

  buildExtras() {
    const hint = document.createElement("p");
    hint.className = "widget-hint";
    hint.id = `${this.id}-hint`;
    hint.innerHTML =
      "<strong>Drag</strong> a knot to move it · <strong>click</strong> the chart to add one · " +
      "<strong>shift-click</strong> a knot to remove it. " +
      '<span class="widget-hint-keys">Keyboard: focus the chart, ' +
      "<kbd>←</kbd>/<kbd>→</kbd> pick a knot, <kbd>↑</kbd>/<kbd>↓</kbd> move it, " +
      "<kbd>Shift</kbd>+<kbd>←</kbd>/<kbd>→</kbd> sideways, <kbd>Delete</kbd> removes, <kbd>+</kbd> adds.</span>";
    const status = document.createElement("p");
    status.className = "widget-status";
    status.id = `${this.id}-status`;
    status.setAttribute("role", "status");
    status.setAttribute("aria-live", "polite");
    this.status = status;
    const extras = document.createElement("div");
    extras.className = "widget-extras";
    extras.append(status, hint);
    this.extras = extras;
    this.fig.append(extras);
    const ring = document.createElement("div");
    ring.className = "dk-ring";
    ring.setAttribute("aria-hidden", "true");
    ring.hidden = true;
    this.ring = ring;
    this.fig.append(ring);
  }

  // ------------------------------------------------------------ state

  /** The points the parameters describe: {xs, ys, explicit}, or null if they are unreadable. */
  points(params = this.host.params) {
    const ys = parseList(params[this.cfg.yParam]);
    const ks = parseList(params[this.cfg.xParam]);
    if (!ys || !ks) return null;
    if (ks.length === 0) return { xs: linspace(this.cfg.xRange[0], this.cfg.xRange[1], ys.length), ys, explicit: false };
    if (ks.length !== ys.length) return null;
    return { xs: ks, ys, explicit: true };
  }

  /** Do these parameters describe the points `shown` ({xs, ys, explicit})? */
  matches(params, shown) {
    const p = this.points(params);
    if (!p || p.xs.length !== shown.xs.length || p.explicit !== shown.explicit) return false;
    const close = (a, b) => Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));
    return p.ys.every((y, i) => close(y, shown.ys[i])) && (!p.explicit || p.xs.every((x, i) => close(x, shown.xs[i])));
  }

  /** The parameter strings for these points (the positions only when they are explicit). */
  paramsFor(xs, ys, explicit) {
    const out = { [this.cfg.yParam]: listString(ys) };
    if (explicit) out[this.cfg.xParam] = listString(xs);
    return out;
  }

  axes() {
    const fl = this.div && this.div._fullLayout;
    if (!fl || !fl.xaxis || !fl.yaxis || typeof fl.xaxis.p2d !== "function") return null;
    return { xa: fl.xaxis, ya: fl.yaxis };
  }

  decimals(ax) {
    const span = (a) => {
      const r = a.range.map((v) => (a.type === "log" ? 10 ** v : v));
      return Math.abs(r[1] - r[0]) || 1;
    };
    return { x: decimalsFor(Math.min(span(ax.xa), this.cfg.xRange[1] - this.cfg.xRange[0])), y: decimalsFor(span(ax.ya)) };
  }

  /** Pointer → pixels inside the plot area (CSS transforms of ancestors divided out). */
  local(e, ax) {
    const rect = this.div.getBoundingClientRect();
    const sx = this.div.offsetWidth ? rect.width / this.div.offsetWidth : 1;
    const sy = this.div.offsetHeight ? rect.height / this.div.offsetHeight : 1;
    return { px: (e.clientX - rect.left) / sx - ax.xa._offset, py: (e.clientY - rect.top) / sy - ax.ya._offset };
  }

  pixel(ax, x, y) {
    return { px: ax.xa.d2p(x), py: ax.ya.d2p(y) };
  }

  hit(ax, pts, px, py, pointerType) {
    const trace = this.div._fullData?.[this.traceIndex];
    if (trace && trace.visible !== true) return -1; // hidden from the legend
    const size = trace?.marker?.size;
    const radius = (HIT_PX[pointerType] ?? HIT_PX.mouse) + (finite(size) ? size / 2 : 6);
    let best = -1;
    let bestD = radius;
    pts.xs.forEach((x, i) => {
      const p = this.pixel(ax, x, pts.ys[i]);
      const d = Math.hypot(p.px - px, p.py - py);
      if (d <= bestD) {
        best = i;
        bestD = d;
      }
    });
    return best;
  }

  inPlotArea(ax, px, py) {
    return px >= 0 && px <= ax.xa._length && py >= 0 && py <= ax.ya._length;
  }

  /** Where a point may go sideways: strictly between its neighbours, inside x_range. */
  xLimits(xs, i, dx) {
    const [a, b] = this.cfg.xRange;
    const gap = 2 * 10 ** -dx;
    const lo = i > 0 ? xs[i - 1] + gap : a;
    const hi = i < xs.length - 1 ? xs[i + 1] - gap : b;
    return [Math.max(a, lo), Math.min(b, hi)];
  }

  // ------------------------------------------------------------ pointer

  onPointerDown(e) {
    this.keyboard = false;
    if (this.drag || !e.isPrimary || (e.pointerType === "mouse" && e.button !== 0)) return;
    if (e.target instanceof Element && e.target.closest(".modebar, .legend")) return;
    const ax = this.axes();
    if (!ax || this.traceIndex < 0) return;
    const pts = this.points();
    const { px, py } = this.local(e, ax);
    if (!pts) {
      if (this.inPlotArea(ax, px, py)) {
        this.message(`Fix the ${this.cfg.yParam} and ${this.cfg.xParam} fields to edit the knots here.`, { warn: true });
      }
      return;
    }
    const i = this.hit(ax, pts, px, py, e.pointerType);
    if (i >= 0) {
      // ours: no zoom box, no text selection, no compatibility mouse events for Plotly
      e.preventDefault();
      e.stopPropagation();
      this.selected = i;
      if (e.shiftKey) {
        this.remove(pts, i, "commit");
        return;
      }
      this.startDrag(e, ax, pts, i);
      return;
    }
    if (this.inPlotArea(ax, px, py)) {
      // Plotly lays a cover over the page while a button is down: the release may not
      // reach the plot, so it is awaited on the window
      this.press = { id: e.pointerId, cx: e.clientX, cy: e.clientY, x: ax.xa.p2d(px), y: ax.ya.p2d(py), shift: e.shiftKey };
      window.addEventListener("pointerup", this.on.up, true);
      window.addEventListener("pointercancel", this.on.cancel, true);
    }
  }

  startDrag(e, ax, pts, i) {
    try {
      this.div.setPointerCapture(e.pointerId);
    } catch {
      // synthetic events without an active pointer: moves still reach the div
    }
    this.frozen = { x: ax.xa.range.slice(), y: ax.ya.range.slice() };
    // axes the user zoomed keep their range afterwards; the others follow the data again
    this.wasAuto = { x: ax.xa.autorange !== false, y: ax.ya.autorange !== false };
    const dec = this.decimals(ax);
    this.drag = {
      id: e.pointerId,
      i,
      cx: e.clientX,
      cy: e.clientY,
      freeX: false,
      freeY: false,
      moved: false,
      // equally spaced positions are written rounded if the point moves sideways
      xs: pts.explicit ? pts.xs.slice() : pts.xs.map((v) => rounded(v, dec.x)),
      ys: pts.ys.slice(),
      explicit: pts.explicit,
      dec,
    };
    this.fig.classList.add("dk-dragging");
    window.Plotly?.Fx?.unhover(this.div);
    // hold the axes still so the point stays under the pointer
    window.Plotly?.relayout(this.div, { "xaxis.range": this.frozen.x, "yaxis.range": this.frozen.y, dragmode: false });
    this.announce();
  }

  onPointerMove(e) {
    const d = this.drag;
    if (!d) {
      if (e.pointerType === "mouse" && !e.buttons) this.hover(e);
      return;
    }
    if (e.pointerId !== d.id) return;
    e.preventDefault();
    e.stopPropagation();
    const ax = this.axes();
    if (!ax) return;
    if (!d.freeX && Math.abs(e.clientX - d.cx) > CLICK_PX) d.freeX = true;
    if (!d.freeY && Math.abs(e.clientY - d.cy) > CLICK_PX) d.freeY = true;
    const { px, py } = this.local(e, ax);
    const i = d.i;
    if (d.freeY) {
      const [lo, hi] = this.cfg.yRange;
      d.ys[i] = rounded(clamp(ax.ya.p2d(py), lo, hi), d.dec.y);
      // beyond the top or bottom of the plot: the axis grows with the point, so it stays in view
      const r = this.frozen.y;
      if (ax.ya.type === "linear" && r[0] < r[1] && (d.ys[i] > r[1] || d.ys[i] < r[0])) {
        const pad = 0.06 * (r[1] - r[0]);
        this.frozen.y = [Math.min(r[0], d.ys[i] - pad), Math.max(r[1], d.ys[i] + pad)];
        d.rescale = true;
      }
    }
    if (d.freeX) {
      const [lo, hi] = this.xLimits(d.xs, i, d.dec.x);
      if (lo <= hi) {
        d.xs[i] = clamp(rounded(clamp(ax.xa.p2d(px), lo, hi), d.dec.x), lo, hi);
        d.explicit = true;
      }
    }
    d.moved = d.freeX || d.freeY;
    if (d.moved) this.frame();
  }

  /** At most one local redraw and one preview request per animation frame. */
  frame() {
    if (this.raf) return;
    this.raf = requestAnimationFrame(() => {
      this.raf = 0;
      const d = this.drag;
      if (!d) return;
      if (d.rescale && window.Plotly) {
        d.rescale = false;
        window.Plotly.relayout(this.div, { "yaxis.range": this.frozen.y.slice() });
      }
      this.drawLocal(d.xs, d.ys);
      this.host.setParams(this.paramsFor(d.xs, d.ys, d.explicit), "preview");
      this.announce();
    });
  }

  drawLocal(xs, ys) {
    if (!window.Plotly || !this.div || this.traceIndex < 0 || !this.div._fullData) return;
    window.Plotly.restyle(this.div, { x: [xs.slice()], y: [ys.slice()] }, [this.traceIndex]);
  }

  onPointerUp(e) {
    const d = this.drag;
    if (d && e.pointerId === d.id) {
      e.preventDefault();
      e.stopPropagation();
      this.endDrag(true);
      return;
    }
    const p = this.press;
    if (!p || e.pointerId !== p.id) return;
    this.endPress();
    if (Math.hypot(e.clientX - p.cx, e.clientY - p.cy) > CLICK_PX) return; // a drag (zoom) instead
    if (p.shift) {
      this.message("Shift-click a knot to remove it.", { warn: true });
      return;
    }
    const pts = this.points();
    if (pts) this.insert(pts, p.x, p.y, "commit");
  }

  onPointerCancel(e) {
    if (this.drag && e.pointerId === this.drag.id) this.endDrag(true);
    if (this.press && e.pointerId === this.press.id) this.endPress();
  }

  endPress() {
    this.press = null;
    window.removeEventListener("pointerup", this.on.up, true);
    window.removeEventListener("pointercancel", this.on.cancel, true);
  }

  endDrag(commit) {
    const d = this.drag;
    if (!d) return;
    this.drag = null;
    if (this.raf) cancelAnimationFrame(this.raf);
    this.raf = 0;
    this.fig?.classList.remove("dk-dragging");
    try {
      if (this.div?.hasPointerCapture(d.id)) this.div.releasePointerCapture(d.id);
    } catch {
      // already released
    }
    if (commit && d.moved) {
      this.pending = { xs: d.xs.slice(), ys: d.ys.slice(), explicit: d.explicit };
      this.drawLocal(d.xs, d.ys);
      this.host.setParams(this.paramsFor(d.xs, d.ys, d.explicit), "commit");
    }
    if (!this.pending || (this.lastParams && this.matches(this.lastParams, this.pending))) {
      // nothing more to wait for (a click on a knot, or the result is on screen already):
      // the axes follow the data again
      this.pending = null;
      this.frozen = null;
      const auto = {};
      if (this.wasAuto?.x) auto["xaxis.autorange"] = true;
      if (this.wasAuto?.y) auto["yaxis.autorange"] = true;
      if (this.div && window.Plotly && this.div._fullLayout && Object.keys(auto).length) window.Plotly.relayout(this.div, auto);
    }
    this.placeRing();
  }

  hover(e) {
    const ax = this.axes();
    const pts = ax && this.traceIndex >= 0 ? this.points() : null;
    let over = false;
    if (pts) {
      const { px, py } = this.local(e, ax);
      over = this.hit(ax, pts, px, py, "mouse") >= 0;
    }
    this.fig?.classList.toggle("dk-grab", over);
  }

  // ------------------------------------------------------------ edits

  insert(pts, x, y, phase) {
    const n = pts.xs.length;
    if (n >= this.cfg.max) {
      this.message(`At most ${this.cfg.max} knots: remove one first (shift-click it).`, { warn: true });
      return;
    }
    const ax = this.axes();
    const dec = ax ? this.decimals(ax) : { x: 4, y: 4 };
    const [a, b] = this.cfg.xRange;
    const [ylo, yhi] = this.cfg.yRange;
    const nx = rounded(clamp(x, a, b), dec.x);
    const ny = rounded(clamp(y, ylo, yhi), dec.y);
    const xs = pts.explicit ? pts.xs.slice() : pts.xs.map((v) => rounded(v, dec.x));
    const gap = 10 ** -dec.x;
    if (xs.some((v) => Math.abs(v - nx) < gap)) {
      this.message(`There is a knot at x = ${formatNumber(nx)} already.`, { warn: true });
      return;
    }
    let i = xs.findIndex((v) => v > nx);
    if (i < 0) i = n;
    xs.splice(i, 0, nx);
    const ys = pts.ys.slice();
    ys.splice(i, 0, ny);
    this.selected = i;
    this.commitEdit(xs, ys, true, phase, `Added knot ${i + 1}: x = ${formatNumber(nx)}, value ${formatNumber(ny)}.`);
  }

  remove(pts, i, phase) {
    const n = pts.xs.length;
    if (n <= this.cfg.min) {
      this.message(`At least ${this.cfg.min} knots are needed.`, { warn: true });
      return;
    }
    const ax = this.axes();
    const dec = ax ? this.decimals(ax) : { x: 4 };
    // the others keep their places, so the positions become explicit
    const xs = pts.explicit ? pts.xs.slice() : pts.xs.map((v) => rounded(v, dec.x));
    const ys = pts.ys.slice();
    const [x] = xs.splice(i, 1);
    ys.splice(i, 1);
    this.selected = Math.min(i, n - 2);
    this.commitEdit(xs, ys, true, phase, `Removed the knot at x = ${formatNumber(x)}.`);
  }

  commitEdit(xs, ys, explicit, phase, text) {
    this.pending = { xs: xs.slice(), ys: ys.slice(), explicit };
    this.drawLocal(xs, ys);
    this.host.setParams(this.paramsFor(xs, ys, explicit), phase);
    if (text) this.message(text);
  }

  // ------------------------------------------------------------ keyboard

  onFocus() {
    const pts = this.points();
    if (pts && this.selected >= pts.xs.length) this.selected = pts.xs.length - 1;
    this.placeRing();
    this.announce();
  }

  onKey(e) {
    this.keyboard = true;
    if (e.altKey || e.ctrlKey || e.metaKey || this.drag) return;
    const pts = this.points();
    const ax = this.axes();
    if (!pts || !ax || !pts.xs.length) return;
    const n = pts.xs.length;
    let i = Math.min(this.selected, n - 1);
    const phase = e.repeat ? "repeat" : "commit";
    const dec = this.decimals(ax);
    // round steps (about 1/50 of the axis up/down, 1/100 sideways) keep the values round
    const ystep = niceStep((Math.abs(ax.ya.range[1] - ax.ya.range[0]) || 1) / 50);
    const xstep = niceStep((Math.abs(ax.xa.range[1] - ax.xa.range[0]) || 1) / 100);
    const moveY = (steps) => {
      const [lo, hi] = this.cfg.yRange;
      const ys = pts.ys.slice();
      const d = Math.max(dec.y, ystep.decimals + (Math.abs(steps) < 1 ? 1 : 0));
      ys[i] = rounded(clamp(ys[i] + steps * ystep.step, lo, hi), d);
      if (ys[i] === pts.ys[i]) return;
      this.commitEdit(pts.xs, ys, pts.explicit, phase, null);
      this.announce({ xs: pts.xs, ys });
    };
    const moveX = (dir) => {
      const xs = pts.explicit ? pts.xs.slice() : pts.xs.map((v) => rounded(v, dec.x));
      const [lo, hi] = this.xLimits(xs, i, dec.x);
      if (lo > hi) return;
      const x = clamp(rounded(clamp(xs[i] + dir * xstep.step, lo, hi), Math.max(dec.x, xstep.decimals)), lo, hi);
      if (x === xs[i]) {
        this.message("The knot cannot pass its neighbour.", { warn: true });
        return;
      }
      xs[i] = x;
      this.commitEdit(xs, pts.ys, true, phase, null);
      this.announce({ xs, ys: pts.ys });
    };
    switch (e.key) {
      case "ArrowLeft":
      case "ArrowRight": {
        const dir = e.key === "ArrowLeft" ? -1 : 1;
        if (e.shiftKey) moveX(dir);
        else {
          this.selected = clamp(i + dir, 0, n - 1);
          this.placeRing();
          this.announce();
        }
        break;
      }
      case "Home":
      case "End":
        this.selected = e.key === "Home" ? 0 : n - 1;
        this.placeRing();
        this.announce();
        break;
      case "ArrowUp":
      case "ArrowDown":
        moveY((e.key === "ArrowUp" ? 1 : -1) * (e.shiftKey ? 0.1 : 1));
        break;
      case "PageUp":
      case "PageDown":
        moveY((e.key === "PageUp" ? 1 : -1) * 5);
        break;
      case "Delete":
      case "Backspace":
        this.remove(pts, i, "commit");
        break;
      case "+":
      case "=":
      case "Insert": {
        if (n < 2) return;
        if (i === n - 1) i = n - 2;
        this.insert(pts, (pts.xs[i] + pts.xs[i + 1]) / 2, (pts.ys[i] + pts.ys[i + 1]) / 2, "commit");
        break;
      }
      default:
        return;
    }
    e.preventDefault();
  }

  // ------------------------------------------------------------ feedback

  announce(shown) {
    if (!this.status) return;
    const pts = shown || (this.drag ? { xs: this.drag.xs, ys: this.drag.ys } : this.pending || this.points());
    if (!pts) return;
    const i = this.drag ? this.drag.i : Math.min(this.selected, pts.xs.length - 1);
    if (i < 0) return;
    clearTimeout(this.messageTimer);
    this.status.classList.remove("warn");
    this.status.textContent = `Knot ${i + 1} of ${pts.xs.length}: x = ${formatNumber(pts.xs[i])}, value ${formatNumber(pts.ys[i])}`;
  }

  message(text, { warn = false } = {}) {
    if (!this.status) return;
    clearTimeout(this.messageTimer);
    this.status.textContent = text;
    this.status.classList.toggle("warn", warn);
    this.messageTimer = setTimeout(() => {
      this.status.classList.remove("warn");
      this.status.textContent = "";
    }, MESSAGE_MS);
  }

  /** The focus ring around the selected knot while the chart has the keyboard focus. */
  placeRing() {
    if (!this.ring) return;
    const ax = this.axes();
    const pts = this.drag ? { xs: this.drag.xs, ys: this.drag.ys } : this.pending || this.points();
    // only for the keyboard: a click shows where the pointer is anyway
    const focused = document.activeElement === this.div && (this.keyboard || this.div.matches(":focus-visible"));
    const i = this.drag ? this.drag.i : this.selected;
    if (!ax || !pts || !focused || i >= pts.xs.length) {
      this.ring.hidden = true;
      return;
    }
    const p = this.pixel(ax, pts.xs[i], pts.ys[i]);
    const inside = p.px >= -2 && p.px <= ax.xa._length + 2 && p.py >= -2 && p.py <= ax.ya._length + 2;
    this.ring.hidden = !inside;
    if (!inside) return;
    const fr = this.fig.getBoundingClientRect();
    const dr = this.div.getBoundingClientRect();
    this.ring.style.left = `${dr.left - fr.left + ax.xa._offset + p.px}px`;
    this.ring.style.top = `${dr.top - fr.top + ax.ya._offset + p.py}px`;
  }
}
