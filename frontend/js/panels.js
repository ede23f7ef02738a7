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

/** Checks as a list: ✓/✗, the statement checked, and "measured relation bound". */
export function renderChecks(ul, summary, checks) {
  const items = (checks || []).map((c, i) => {
    const li = el("li", `check ${c.holds ? "holds" : "fails"}`);
    li.dataset.check = String(i);
    li.dataset.holds = String(Boolean(c.holds));
    const icon = el("span", "check-icon");
    icon.setAttribute("aria-hidden", "true");
    icon.textContent = c.holds ? "✓" : "✗";
    const body = el("span", "check-body");
    const name = el("span", "check-name", richText(c.name));
    const sr = el("span", "visually-hidden");
    sr.textContent = c.holds ? " (holds)" : " (fails)";
    name.append(sr);
    const rel = RELATIONS[c.relation] || c.relation;
    const values = el("span", "check-values");
    const measured = el("span", "measured");
    measured.textContent = formatNumber(c.measured);
    measured.title = `measured: ${preciseNumber(c.measured)}`;
    const bound = el("span", "bound");
    bound.textContent = formatNumber(c.bound);
    bound.title = `bound: ${preciseNumber(c.bound)}`;
    values.append(measured, ` ${rel} `, bound);
    body.append(name, values);
    li.append(icon, body);
    return li;
  });
  ul.replaceChildren(...items);
  const n = items.length;
  const failed = (checks || []).filter((c) => !c.holds).length;
  summary.className = `checks-summary ${failed ? "fails" : "holds"}`;
  summary.textContent =
    n === 0 ? "" : failed ? `${failed} of ${n} ${n === 1 ? "check fails" : "checks fail"}` : n === 1 ? "The check holds" : `All ${n} checks hold`;
  summary.hidden = n === 0;
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
