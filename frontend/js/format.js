// Number and text formatting shared by the panels, the controls and the plots.

const SUPERSCRIPT = {
  "-": "⁻", "0": "⁰", "1": "¹", "2": "²", "3": "³", "4": "⁴",
  "5": "⁵", "6": "⁶", "7": "⁷", "8": "⁸", "9": "⁹",
};

const MINUS = "−"; // U+2212, the typographic minus

function stripZeros(s) {
  if (!s.includes(".")) return s;
  return s.replace(/0+$/, "").replace(/\.$/, "");
}

function minus(s) {
  return s.replace(/^-/, MINUS);
}

/**
 * A figure for display: integers with thousands separators, other numbers with
 * 4 significant digits, scientific (a × 10ⁿ) when tiny or huge.
 */
export function formatNumber(v) {
  if (v === null || v === undefined) return "—";
  if (typeof v !== "number") return String(v);
  if (Number.isNaN(v)) return "NaN";
  if (!Number.isFinite(v)) return v > 0 ? "∞" : `${MINUS}∞`;
  if (Number.isInteger(v) && Math.abs(v) < 1e15) return minus(v.toLocaleString("en-US"));
  const a = Math.abs(v);
  if (a < 1e-3 || a >= 1e9) {
    const [m, e] = v.toExponential(3).split("e");
    const exp = e.replace(/^\+/, "").replace(/./g, (c) => SUPERSCRIPT[c] ?? c);
    return `${minus(stripZeros(m))} × 10${exp}`;
  }
  if (a >= 1e4) return minus(Number(v.toPrecision(4)).toLocaleString("en-US"));
  return minus(stripZeros(v.toPrecision(4)));
}

/** Full-precision text, for tooltips. */
export function preciseNumber(v) {
  return typeof v === "number" ? String(v) : String(v ?? "");
}

export const RELATIONS = { "<=": "≤", ">=": "≥", "==": "=", "<": "<", ">": ">" };

export function escapeHtml(s) {
  return String(s)
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;");
}

/**
 * Plain text from the server (labels, names, titles) → safe HTML with light math markup:
 * `x^{a+b}`, `x^(a+b)`, `x^2`, `Δ^L` become superscripts, `x_{ij}` and `m_j` subscripts. Plotly understands
 * the same <sup>/<sub> tags, so this is used for legends and axis titles as well.
 */
export function richText(s) {
  return escapeHtml(s)
    .replace(/\^\{([^{}]*)\}/g, "<sup>$1</sup>")
    .replace(/\^\(([^()]*)\)/g, "<sup>$1</sup>")
    .replace(/\^([0-9]+|[A-Za-zα-ωℓ])/g, "<sup>$1</sup>")
    .replace(/_\{([^{}]*)\}/g, "<sub>$1</sub>")
    .replace(/([A-Za-zα-ωΑ-Ωℓ′])_\(([^()]*)\)/g, "$1<sub>$2</sub>")
    .replace(/([A-Za-zα-ωΑ-Ωℓ′])_([0-9]+|[A-Za-zα-ωℓ∞])(?![A-Za-z0-9])/g, "$1<sub>$2</sub>");
}

/** A parameter value as it goes into the URL and to the API. */
export function paramString(v) {
  if (typeof v !== "number") return String(v);
  if (Number.isInteger(v)) return String(v);
  return String(Number(v.toPrecision(12)));
}
