// Themes for rooms (issue 10.7): light, dark and high contrast.
//
// The page's colours are CSS variables (app.css defines them, css/theme.css overrides them
// per theme on <html data-theme="…">); the plots' colours come from the server's vocabulary
// (GET /api/v1/vocabulary, one colour per role and theme) and from THEME_LAYOUT below.
// Which theme: `theme=light|dark|contrast` in the hash, else forced-colors / prefers-contrast
// (high contrast), else prefers-color-scheme. A toggle in #scene-actions writes theme= into
// the hash, so a link (or an embed in a dark deck) keeps it.

import { buildHash, parseHash } from "./route.js";

export const THEMES = ["light", "dark", "contrast"];
const NAMES = { light: "Light", dark: "Dark", contrast: "High contrast" };

/** Plot chrome per theme (traces take their colours from the vocabulary's roles). */
export const THEME_LAYOUT = {
  light: {
    text: "#1d2330",
    muted: "#4a5466",
    plot: "#ffffff",
    grid: "#e3e7ee",
    line: "#8a93a3",
    band: 0.16,
    colorscale: "Viridis",
    cycle: ["#0072b2", "#009e73", "#cc79a7", "#e69f00", "#56b4e9", "#d55e00", "#2b2f36"],
  },
  dark: {
    text: "#e6ebf2",
    muted: "#b3bdcc",
    plot: "#11161e",
    grid: "#2a323e",
    line: "#6f7a8b",
    band: 0.34,
    colorscale: "Viridis",
    cycle: ["#56b4e9", "#3ddc97", "#f2a3d0", "#ffc94d", "#9ad0f5", "#ff9a4d", "#eef1f5"],
  },
  contrast: {
    text: "#000000",
    muted: "#000000",
    plot: "#ffffff",
    grid: "#9a9a9a",
    line: "#000000",
    band: 0.22,
    colorscale: "Cividis",
    cycle: ["#0040a0", "#006400", "#8a008a", "#b35900", "#000000", "#b00000", "#3a3a3a"],
  },
};

const media = typeof window.matchMedia === "function"
  ? {
      dark: window.matchMedia("(prefers-color-scheme: dark)"),
      forced: window.matchMedia("(forced-colors: active)"),
      more: window.matchMedia("(prefers-contrast: more)"),
    }
  : null;

/** The theme named in the hash, or null. */
export function hashTheme() {
  const t = parseHash(location.hash).view.theme;
  return THEMES.includes(t) ? t : null;
}

/** The theme the system asks for (no theme= in the hash). */
export function systemTheme() {
  if (!media) return "light";
  if (media.forced.matches || media.more.matches) return "contrast";
  return media.dark.matches ? "dark" : "light";
}

/** The theme in force now. */
export function activeTheme() {
  return hashTheme() || systemTheme();
}

function setColorScheme(theme) {
  const meta = document.querySelector('meta[name="color-scheme"]');
  if (meta) meta.setAttribute("content", theme === "dark" ? "dark" : "light");
}

let applied = null;

/** Put the theme in force on <html> and tell the plots when it changed. */
export function applyTheme() {
  const theme = activeTheme();
  updateToggle(theme);
  if (theme === applied) return theme;
  applied = theme;
  document.documentElement.dataset.theme = theme;
  setColorScheme(theme);
  window.dispatchEvent(new CustomEvent("approxlab:theme", { detail: { theme } }));
  return theme;
}

// ---------------------------------------------------------------- the toggle

function nextTheme(theme) {
  return THEMES[(THEMES.indexOf(theme) + 1) % THEMES.length];
}

function updateToggle(theme) {
  const b = document.querySelector('#scene-actions [data-approxlab="theme"]');
  if (!b) return;
  const next = nextTheme(theme);
  b.dataset.theme = theme;
  b.textContent = `Theme: ${NAMES[theme]}`;
  b.setAttribute("aria-label", `Theme: ${NAMES[theme]}. Switch to ${NAMES[next].toLowerCase()}`);
  b.title = `Switch to the ${NAMES[next].toLowerCase()} theme (kept in the link)`;
}

function ensureToggle() {
  const bar = document.getElementById("scene-actions");
  if (!bar || bar.querySelector('[data-approxlab="theme"]')) return;
  const b = document.createElement("button");
  b.type = "button";
  b.className = "action-button theme-toggle";
  b.dataset.approxlab = "theme";
  b.addEventListener("click", () => {
    const route = parseHash(location.hash);
    if (!route.isRoute || !route.id) return;
    const raw = { ...route.view.raw, theme: nextTheme(activeTheme()) };
    // A new hash: main.js applies it (the view key changes), theme.js follows on hashchange.
    location.hash = buildHash(route.id, route.params, raw);
  });
  bar.append(b);
  updateToggle(activeTheme());
}

window.addEventListener("hashchange", applyTheme);
window.addEventListener("popstate", applyTheme);
window.addEventListener("approxlab:render", () => {
  ensureToggle();
  applyTheme();
});
if (media) for (const m of Object.values(media)) m.addEventListener?.("change", applyTheme);
applyTheme();
