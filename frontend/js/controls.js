// Controls generated from a scene's params_schema (JSON schema) — no per-scene code.
//
//   number / integer  → labelled <input type=range> + typeable <input type=number>
//                       (log slider when the field says scale: "log": position = log10(value),
//                       `step` in decades)
//   enum              → <select> labelled with the schema's `options`
//   anything else     → text input
//
// A property may carry `visible_when: {param: value | [values…]}`: its control shows only
// while every named parameter has (one of) the given value(s). A hidden control keeps its
// value (and a value the user set stays in the URL); it is only out of sight.
//
// Values are kept as the strings that go into the URL. Every change is reported as
// onChange(name, value, phase) with phase "input" (dragging), "repeat" (held key) or
// "commit" (a finished change: release, key press, typed value, selection).

import { attachPlayer } from "./animate.js";
import { formatNumber, paramString, richText } from "./format.js";

function finite(x) {
  return typeof x === "number" && Number.isFinite(x);
}

/** Slider geometry for a numeric field. */
export class NumberSpec {
  constructor(prop) {
    this.isInt = prop.type === "integer";
    const def = Number(prop.default);
    let min = finite(prop.minimum) ? prop.minimum : prop.exclusiveMinimum;
    let max = finite(prop.maximum) ? prop.maximum : prop.exclusiveMaximum;
    if (!finite(min)) min = finite(def) ? Math.min(0, def) : 0;
    if (!finite(max)) max = finite(def) ? Math.max(1, 2 * Math.abs(def)) : 1;
    this.min = min;
    this.max = max;
    this.log = prop.scale === "log" && min > 0 && max > min;
    let lo = this.log ? Math.log10(min) : min;
    let hi = this.log ? Math.log10(max) : max;
    let step = Number(prop.step);
    if (!(step > 0)) step = this.isInt && !this.log ? 1 : (hi - lo) / 100;
    if (this.isInt && !this.log) step = Math.max(1, Math.round(step));
    // Exclusive bounds: keep the slider strictly inside.
    if (!finite(prop.minimum) && finite(prop.exclusiveMinimum)) lo += step;
    if (!finite(prop.maximum) && finite(prop.exclusiveMaximum)) hi -= step;
    this.lo = lo;
    this.hi = Math.max(hi, lo);
    this.step = step;
    // Significant digits for log values: enough to tell neighbouring grid points apart.
    this.sig = this.log ? Math.max(3, Math.ceil(-Math.log10(10 ** step - 1)) + 1) : 12;
    this.K = Math.floor((this.hi - this.lo) / step + 1e-9);
    const aligned = Math.abs(this.lo + this.K * step - this.hi) <= 1e-9 * Math.max(1, Math.abs(step));
    this.last = aligned ? this.K : this.K + 1;
  }

  clamp(v) {
    return Math.min(this.max, Math.max(this.min, v));
  }

  posOf(v) {
    const c = this.clamp(v);
    return this.log ? Math.log10(c) : c;
  }

  /** Grid position i (0…last), the last one being the upper bound. */
  at(i) {
    return i > this.K ? this.hi : this.lo + i * this.step;
  }

  valueAtPos(pos) {
    let v = this.log ? 10 ** pos : pos;
    v = Number(v.toPrecision(this.sig));
    if (this.isInt) v = Math.round(v);
    v = this.clamp(v);
    if (this.isInt) v = Math.min(Math.floor(this.max), Math.max(Math.ceil(this.min), v));
    return v;
  }

  nearestIndex(pos) {
    let i = Math.round((pos - this.lo) / this.step);
    i = Math.min(this.K, Math.max(0, i));
    if (this.last > this.K && Math.abs(pos - this.hi) < Math.abs(pos - this.at(i))) i = this.last;
    return i;
  }

  /** Value under a slider position, snapped to the step grid. */
  snap(pos) {
    return this.valueAtPos(this.at(this.nearestIndex(pos)));
  }

  /** The value `n` grid steps away from `value` (n = ±Infinity: an end). */
  stepFrom(value, n) {
    if (n === Infinity) return this.valueAtPos(this.at(this.last));
    if (n === -Infinity) return this.valueAtPos(this.at(0));
    const pos = this.posOf(value);
    const half = this.step / 2;
    let i = this.nearestIndex(pos);
    if (n > 0) {
      while (i < this.last && !(this.at(i) > pos + half - 1e-12 && this.valueAtPos(this.at(i)) > value)) i++;
      if (!(this.valueAtPos(this.at(i)) > value)) return this.clamp(value);
      i = Math.min(this.last, i + n - 1);
    } else {
      while (i > 0 && !(this.at(i) < pos - half + 1e-12 && this.valueAtPos(this.at(i)) < value)) i--;
      if (!(this.valueAtPos(this.at(i)) < value)) return this.clamp(value);
      i = Math.max(0, i + n + 1);
    }
    return this.valueAtPos(this.at(i));
  }
}

const KEY_STEPS = {
  ArrowRight: 1,
  ArrowUp: 1,
  ArrowLeft: -1,
  ArrowDown: -1,
  PageUp: 10,
  PageDown: -10,
  Home: -Infinity,
  End: Infinity,
};

let uid = 0;

function safeId(name) {
  uid += 1;
  return `ctl-${String(name).replace(/[^A-Za-z0-9_-]/g, "_")}-${uid}`;
}

function el(tag, attrs = {}, children = []) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === "class") e.className = v;
    else if (k === "html") e.innerHTML = v;
    else if (k === "text") e.textContent = v;
    else e.setAttribute(k, v === true ? "" : String(v));
  }
  for (const c of children) if (c) e.append(c);
  return e;
}

/** Resolve `$ref` / `allOf: [{$ref}]` against the schema's `$defs`. */
function resolve(schema, prop) {
  const ref = prop.$ref || (Array.isArray(prop.allOf) && prop.allOf.length === 1 && prop.allOf[0].$ref);
  if (!ref || typeof ref !== "string") return prop;
  const name = ref.split("/").pop();
  const target = (schema.$defs || schema.definitions || {})[name] || {};
  const { $ref: _r, allOf: _a, ...rest } = prop;
  return { ...target, ...rest };
}

/** Normalise a `visible_when` hint to [[param, [allowed strings…]], …] (null: always shown). */
export function visibleWhen(hint) {
  if (!hint || typeof hint !== "object" || Array.isArray(hint)) return null;
  const rules = Object.entries(hint).map(([param, v]) => [param, (Array.isArray(v) ? v : [v]).map((x) => String(x))]);
  return rules.length ? rules : null;
}

/** True when every parameter named by the rules currently has one of its allowed values. */
export function isVisible(rules, params) {
  return !rules || rules.every(([param, allowed]) => params[param] !== undefined && allowed.includes(String(params[param])));
}

export class Controls {
  /**
   * @param form     the <form> to fill
   * @param schema   the scene's params_schema
   * @param only     names to show (null: all)
   * @param onChange (name, value, phase) => void
   */
  constructor(form, schema, { only = null, onChange }) {
    this.form = form;
    this.onChange = onChange;
    this.widgets = new Map();
    form.replaceChildren();
    // Enter in a lone text field must not submit (reload) the page
    form.onsubmit = (e) => e.preventDefault();
    const props = (schema && schema.properties) || {};
    for (const [name, raw] of Object.entries(props)) {
      if (only && !only.includes(name)) continue;
      const prop = resolve(schema, raw);
      if (prop.hidden) continue; // in the URL, no control (e.g. a zoom window; docs/contract.md)
      let w;
      if (Array.isArray(prop.enum)) w = this._enum(name, prop);
      else if (prop.type === "boolean") w = this._boolean(name, prop);
      else if (prop.type === "number" || prop.type === "integer") w = this._number(name, prop);
      else w = this._text(name, prop);
      w.visibleWhen = visibleWhen(prop.visible_when);
      this.widgets.set(name, w);
      form.append(w.el);
      if (prop.animate && w.spec) attachPlayer(w, name, prop.label || name, this.onChange); // ▶
    }
  }

  get size() {
    return this.widgets.size;
  }

  /** Show these values (strings) without reporting changes. */
  set(params) {
    for (const [name, w] of this.widgets) w.set(params[name]);
    this.applyVisibility(params);
  }

  /** Show the values of the named parameters only (the others keep what they show). */
  update(changed, params) {
    for (const [name, value] of Object.entries(changed)) this.widgets.get(name)?.set(value);
    this.applyVisibility(params);
  }

  /** Hide the controls whose `visible_when` does not hold for these (effective) params. */
  applyVisibility(params) {
    for (const w of this.widgets.values()) {
      if (!w.visibleWhen) continue;
      const show = isVisible(w.visibleWhen, params);
      if (w.el.hidden === show) w.el.hidden = !show;
    }
  }

  /** Names of the controls shown right now. */
  visibleNames() {
    return [...this.widgets].filter(([, w]) => !w.el.hidden).map(([name]) => name);
  }

  /** Mark the named controls invalid (and the others valid). */
  setInvalid(names) {
    for (const [name, w] of this.widgets) {
      const bad = names.includes(name);
      w.el.classList.toggle("invalid", bad);
      for (const input of w.inputs) {
        if (bad) input.setAttribute("aria-invalid", "true");
        else input.removeAttribute("aria-invalid");
      }
    }
  }

  _label(name, prop) {
    return prop.label || prop.title || name;
  }

  _number(name, prop) {
    const spec = new NumberSpec(prop);
    const label = this._label(name, prop);
    const rid = safeId(name);
    const descId = `${rid}-desc`;
    const range = el("input", {
      type: "range",
      id: rid,
      class: "range",
      name,
      min: spec.lo,
      max: spec.hi,
      step: "any",
      "data-param": name,
      "data-scale": spec.log ? "log" : "linear",
      "aria-describedby": prop.description ? descId : null,
    });
    const num = el("input", {
      type: "number",
      id: `${rid}-num`,
      class: "num",
      name: `${name}-value`,
      min: spec.min,
      max: spec.max,
      step: spec.log ? "any" : spec.step,
      inputmode: spec.isInt ? "numeric" : "decimal",
      "data-param": name,
      "aria-label": `${label} value`,
      "aria-describedby": prop.description ? descId : null,
    });
    const lab = el("label", { for: rid, class: "control-label", html: richText(label) });
    const scale = el("div", { class: "control-scale", "aria-hidden": "true" }, [
      el("span", { text: formatNumber(spec.min) }),
      spec.log ? el("span", { class: "scale-kind", text: "log scale" }) : null,
      el("span", { text: formatNumber(spec.max) }),
    ]);
    const desc = prop.description ? el("p", { class: "control-desc", id: descId, html: richText(prop.description) }) : null;
    const root = el("div", { class: "control control-number", "data-param": name }, [
      el("div", { class: "control-head" }, [lab, num]),
      range,
      scale,
      desc,
    ]);

    let current = null; // string
    const fill = () => {
      const span = spec.hi - spec.lo;
      const pct = span > 0 ? ((Number(range.value) - spec.lo) / span) * 100 : 0;
      range.style.setProperty("--fill", `${Math.min(100, Math.max(0, pct)).toFixed(2)}%`);
    };
    const show = (value) => {
      current = value;
      num.value = value ?? "";
      const v = Number(value);
      if (value !== undefined && value !== null && value !== "" && Number.isFinite(v)) {
        range.value = String(spec.posOf(v));
        range.setAttribute("aria-valuetext", formatNumber(v));
        fill();
      }
    };
    const emit = (value, phase) => {
      show(value);
      this.onChange(name, value, phase);
    };

    range.addEventListener("input", () => {
      const v = paramString(spec.snap(Number(range.value)));
      if (v === current) return;
      current = v;
      num.value = v;
      range.setAttribute("aria-valuetext", formatNumber(Number(v)));
      fill();
      this.onChange(name, v, "input");
    });
    range.addEventListener("change", () => {
      const v = paramString(spec.snap(Number(range.value)));
      emit(v, "commit");
    });
    range.addEventListener("keydown", (e) => {
      if (!(e.key in KEY_STEPS) || e.altKey || e.ctrlKey || e.metaKey) return;
      e.preventDefault();
      const base = Number.isFinite(Number(current)) && current !== "" ? Number(current) : spec.snap(Number(range.value));
      const n = KEY_STEPS[e.key] * (e.shiftKey && Number.isFinite(KEY_STEPS[e.key]) ? 10 : 1);
      const v = paramString(spec.stepFrom(base, n));
      if (v === current) return;
      emit(v, e.repeat ? "repeat" : "commit");
    });

    const commitTyped = () => {
      const raw = num.value.trim();
      if (raw === "") {
        // Empty or unparsable (the browser reports both as ""): put the value back.
        show(current);
        return;
      }
      if (raw === current) return;
      emit(raw, "commit");
    };
    num.addEventListener("change", commitTyped);
    num.addEventListener("keydown", (e) => {
      if (e.key === "Enter") {
        e.preventDefault();
        commitTyped();
      }
    });

    return {
      el: root,
      inputs: [range, num],
      spec,
      set: (v) => show(v ?? (prop.default !== undefined ? String(prop.default) : "")),
    };
  }

  _enum(name, prop) {
    const label = this._label(name, prop);
    const id = safeId(name);
    const options = prop.options || {};
    const select = el("select", { id, class: "select", name, "data-param": name });
    for (const value of prop.enum) {
      select.append(el("option", { value: String(value), text: options[value] ?? String(value) }));
    }
    const desc = prop.description ? el("p", { class: "control-desc", id: `${id}-desc`, html: richText(prop.description) }) : null;
    if (desc) select.setAttribute("aria-describedby", `${id}-desc`);
    const root = el("div", { class: "control control-enum", "data-param": name }, [
      el("div", { class: "control-head" }, [el("label", { for: id, class: "control-label", html: richText(label) })]),
      select,
      desc,
    ]);
    select.addEventListener("change", () => this.onChange(name, select.value, "commit"));
    const set = (v) => {
      const value = v ?? (prop.default !== undefined ? String(prop.default) : "");
      select.querySelector("option[data-invalid]")?.remove();
      if (![...select.options].some((o) => o.value === value)) {
        select.append(el("option", { value, text: `${value} (not available)`, "data-invalid": "1" }));
      }
      select.value = value;
    };
    return { el: root, inputs: [select], set };
  }

  _boolean(name, prop) {
    const label = this._label(name, prop);
    const id = safeId(name);
    const box = el("input", { type: "checkbox", id, class: "check-input", name, "data-param": name });
    const root = el("div", { class: "control control-boolean", "data-param": name }, [
      el("div", { class: "control-head" }, [
        el("label", { for: id, class: "control-label" }, [box, el("span", { html: richText(label) })]),
      ]),
      prop.description ? el("p", { class: "control-desc", html: richText(prop.description) }) : null,
    ]);
    box.addEventListener("change", () => this.onChange(name, box.checked ? "true" : "false", "commit"));
    const set = (v) => {
      const value = v ?? (prop.default !== undefined ? String(prop.default) : "false");
      box.checked = ["true", "1", "yes", "on"].includes(String(value).toLowerCase());
    };
    return { el: root, inputs: [box], set };
  }

  _text(name, prop) {
    const label = this._label(name, prop);
    const id = safeId(name);
    const input = el("input", { type: "text", id, class: "text", name, "data-param": name, spellcheck: "false" });
    const root = el("div", { class: "control control-text", "data-param": name }, [
      el("div", { class: "control-head" }, [el("label", { for: id, class: "control-label", html: richText(label) })]),
      input,
      prop.description ? el("p", { class: "control-desc", html: richText(prop.description) }) : null,
    ]);
    input.addEventListener("change", () => this.onChange(name, input.value, "commit"));
    const set = (v) => {
      input.value = v ?? (prop.default !== undefined ? String(prop.default) : "");
    };
    return { el: root, inputs: [input], set };
  }
}
