// Metrics, theorem checks and notes.

import { formatNumber, preciseNumber, RELATIONS, richText } from "./format.js";

function el(tag, cls, html) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (html !== undefined) e.innerHTML = html;
  return e;
}

/** <dl> of metric label → formatted value; each row carries data-metric="<name>". */
export function renderMetrics(dl, metrics, labels = {}) {
  const rows = [];
  for (const [name, value] of Object.entries(metrics || {})) {
    const row = el("div", "metric");
    row.dataset.metric = name;
    const dt = el("dt", "metric-label", richText(labels[name] || name));
    const dd = el("dd", "metric-value");
    dd.textContent = formatNumber(value);
    dd.title = preciseNumber(value);
    row.append(dt, dd);
    rows.push(row);
  }
  dl.replaceChildren(...rows);
}

const SUP = { "-": "⁻", "0": "⁰", "1": "¹", "2": "²", "3": "³", "4": "⁴", "5": "⁵", "6": "⁶", "7": "⁷", "8": "⁸", "9": "⁹" };

/** A rounding allowance in one figure: 4·10⁻¹⁶ (or 10⁻¹⁶, or a plain number if not tiny). */
export function formatRounding(r) {
  if (!(r > 0) || !Number.isFinite(r)) return formatNumber(r);
  if (r >= 1e-3 && r < 1e4) return formatNumber(Number(r.toPrecision(1)));
  let e = Math.floor(Math.log10(r));
  let m = Math.round(r / 10 ** e);
  if (m >= 10) {
    m = 1;
    e += 1;
  }
  const pow = `10${String(e).replace(/./g, (c) => SUP[c] ?? c)}`;
  return m === 1 ? pow : `${m}·${pow}`;
}

const RELATION_WORDS = { "<=": "at most", ">=": "at least", "==": "equal to", "<": "less than", ">": "more than" };

/** Does the rounding allowance decide the check (the values differ, by no more than it)? */
function roundingMatters(c) {
  if (!(c.rounding > 0)) return false;
  const d = c.measured - c.bound;
  if (c.relation === "==") return d !== 0;
  if (c.relation === "<=" || c.relation === "<") return d > 0 || (c.relation === "<" && d === 0);
  if (c.relation === ">=" || c.relation === ">") return d < 0 || (c.relation === ">" && d === 0);
  return false;
}

/** "≥ 95 %": a confidence (probability in [0, 1]) rounded down, so the claim stays true. */
function percent(p) {
  const v = Math.floor(p * 1000 + 1e-9) / 10;
  return `${Number.isInteger(v) ? v : v.toFixed(1)} %`;
}

/**
 * Count the checks as a one-line verdict. Deterministic checks and probabilistic ones
 * (`confidence` set: they hold with that probability over the draw) are counted apart.
 * Returns {text, state} with state "holds", "fails", "allowed" (only probabilistic misses)
 * or "none".
 */
export function checkSummary(checks) {
  const det = (checks || []).filter((c) => c.confidence === null || c.confidence === undefined);
  const prob = (checks || []).filter((c) => !(c.confidence === null || c.confidence === undefined));
  const failed = det.filter((c) => !c.holds).length;
  const missed = prob.filter((c) => !c.holds).length;
  const parts = [];
  const n = det.length;
  if (n) {
    if (failed) parts.push(`${failed} of ${n} ${n === 1 ? "check fails" : failed === 1 ? "checks fails" : "checks fail"}`);
    else parts.push(n === 1 ? "The check holds" : `All ${n} checks hold`);
  }
  const m = prob.length;
  if (m) {
    if (missed) parts.push(`${missed} probabilistic ${missed === 1 ? "check misses" : "checks miss"} (allowed)`);
    else parts.push(m === 1 ? "1 probabilistic check holds" : `${m} probabilistic checks hold`);
  }
  const state = !n && !m ? "none" : failed ? "fails" : missed ? "allowed" : "holds";
  return { text: parts.join(" · "), state };
}

/**
 * Checks as a list: ✓/✗, the statement checked (in words), its note, and "measured relation
 * bound" — with the rounding allowance when it decides the row, and the probability for
 * probabilistic checks. `summary` gets the one-line count. With no checks, `opts.empty`
 * (an element) shows `opts.emptyText` (what the scene shows instead).
 */
export function renderChecks(ul, summary, checks, opts = {}) {
  const items = (checks || []).map((c, i) => {
    const probabilistic = !(c.confidence === null || c.confidence === undefined);
    const state = c.holds ? "holds" : probabilistic ? "misses" : "fails";
    const li = el("li", `check ${state === "misses" ? "fails misses" : state}${probabilistic ? " probabilistic" : ""}`);
    li.dataset.check = String(i);
    li.dataset.holds = String(Boolean(c.holds));
    const icon = el("span", "check-icon");
    icon.setAttribute("aria-hidden", "true");
    icon.textContent = c.holds ? "✓" : "✗";
    const body = el("span", "check-body");
    const name = el("span", "check-name", richText(c.name));
    const sr = el("span", "visually-hidden");
    sr.textContent = c.holds ? " (holds)" : probabilistic ? " (misses on this draw, which the theorem allows)" : " (fails)";
    name.append(sr);
    const rel = RELATIONS[c.relation] || c.relation;
    const values = el("span", "check-values");
    const measured = el("span", "measured");
    measured.textContent = formatNumber(c.measured);
    measured.title = `measured: ${preciseNumber(c.measured)}`;
    const bound = el("span", "bound");
    bound.textContent = formatNumber(c.bound);
    bound.title = `bound: ${preciseNumber(c.bound)}`;
    const relation = el("span", "relation");
    relation.textContent = rel;
    relation.title = RELATION_WORDS[c.relation] || "";
    values.append(measured, " ", relation, " ", bound);
    if (roundingMatters(c)) {
      const r = el("span", "rounding");
      r.textContent = ` up to rounding (${formatRounding(c.rounding)})`;
      r.title = `rounding allowance: ${preciseNumber(c.rounding)}`;
      values.append(r);
    }
    body.append(name, values);
    if (probabilistic) {
      const p = el("span", "check-probability");
      p.textContent = c.holds
        ? `Probabilistic: holds with probability ≥ ${percent(c.confidence)} over the draw.`
        : `Probabilistic: holds with probability ≥ ${percent(c.confidence)} over the draw; this draw misses, which the theorem allows.`;
      body.append(p);
    }
    if (c.note) body.append(el("span", "check-note", richText(c.note)));
    li.append(icon, body);
    return li;
  });
  ul.replaceChildren(...items);
  const { text, state } = checkSummary(checks);
  summary.classList.remove("holds", "fails", "allowed", "none");
  summary.classList.add("checks-summary", state);
  summary.dataset.state = state;
  summary.textContent = state === "none" ? (opts.empty ? "What this scene shows" : "") : text;
  if (opts.empty) {
    opts.empty.hidden = state !== "none";
    opts.empty.innerHTML = state === "none" ? richText(opts.emptyText || "This scene has no theorem checks for these parameters; its plots show the construction.") : "";
  }
  summary.hidden = state === "none" && !opts.empty;
}

/** Notes; a note that reports a correction of the printed source is set apart. */
export function renderNotes(section, ul, notes) {
  const items = (notes || []).map((text) => {
    const correction = /^correct(ed|ion)\b/i.test(text);
    const li = el("li", correction ? "note correction" : "note");
    if (correction) {
      const badge = el("span", "note-badge");
      badge.textContent = "Correction";
      li.append(badge, " ");
    }
    const body = el("span", "note-text", richText(text));
    li.append(body);
    return li;
  });
  ul.replaceChildren(...items);
  section.hidden = items.length === 0;
}
