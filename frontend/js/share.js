// Share buttons in the scene header (#scene-actions): "Copy link" (the current view) and
// "Copy embed snippet" (an <iframe> of the current state with embed=1, 16:9). A visible,
// polite status says "Copied"; without the clipboard API the text is shown selected in a
// dialog to copy by hand.

import { buildHash, parseHash } from "./route.js";

export const EMBED_SIZE = { width: 960, height: 540 };

/** The page's URL for a hash, with view options changed (null removes one). */
function urlFor(hash, changes) {
  const route = parseHash(hash);
  const raw = { ...route.view.raw };
  for (const [k, v] of Object.entries(changes)) {
    if (v === null) delete raw[k];
    else raw[k] = v;
  }
  const url = new URL(location.href);
  url.hash = buildHash(route.id || "", route.params, raw);
  return url.href;
}

export function linkUrl(hash = location.hash) {
  return urlFor(hash, { embed: null });
}

export function embedSnippet(hash = location.hash, title = "") {
  const src = urlFor(hash, { embed: "1", present: null });
  const esc = (s) => s.replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;");
  const name = title ? `approxlab: ${title}` : "approxlab demo";
  return `<iframe src="${esc(src)}" width="${EMBED_SIZE.width}" height="${EMBED_SIZE.height}" title="${esc(name)}" style="border:0" loading="lazy"></iframe>`;
}

let status = null;
let statusTimer = 0;
let dialog = null;

function say(text) {
  if (!status) return;
  status.textContent = text;
  clearTimeout(statusTimer);
  statusTimer = setTimeout(() => {
    status.textContent = "";
  }, 4000);
}

function fallbackDialog() {
  if (dialog) return dialog;
  dialog = document.createElement("dialog");
  dialog.className = "dialog share-dialog";
  dialog.setAttribute("aria-labelledby", "share-dialog-title");
  dialog.innerHTML = `<h2 id="share-dialog-title">Copy this</h2>
    <p id="share-dialog-hint">The browser does not allow copying from here. The text is selected: press Ctrl+C (⌘C on a Mac).</p>
    <label class="visually-hidden" for="share-dialog-text">Text to copy</label>
    <textarea id="share-dialog-text" class="share-text" rows="4" readonly aria-describedby="share-dialog-hint"></textarea>
    <form method="dialog" class="dialog-actions"><button class="btn btn-primary" type="submit">Close</button></form>`;
  document.body.append(dialog);
  return dialog;
}

async function copy(text, what) {
  try {
    if (!navigator.clipboard || !window.isSecureContext) throw new Error("no clipboard");
    await navigator.clipboard.writeText(text);
    say(`Copied: ${what}`);
  } catch {
    const d = fallbackDialog();
    d.querySelector("#share-dialog-title").textContent = `Copy the ${what}`;
    const area = d.querySelector("textarea");
    area.value = text;
    if (!d.open) d.showModal();
    area.focus();
    area.select();
    say(`Select and copy the ${what}`);
  }
}

let current = { title: "" };

function ensureButtons() {
  const bar = document.getElementById("scene-actions");
  if (!bar || bar.querySelector("[data-share]")) return;
  const mk = (kind, label, onClick) => {
    const b = document.createElement("button");
    b.type = "button";
    b.className = "btn btn-small action-btn";
    b.dataset.share = kind;
    b.textContent = label;
    b.addEventListener("click", onClick);
    return b;
  };
  const link = mk("link", "Copy link", () => copy(linkUrl(), "link"));
  const embed = mk("embed", "Copy embed snippet", () => copy(embedSnippet(location.hash, current.title), "embed snippet"));
  embed.title = `An <iframe> of this view, ${EMBED_SIZE.width}×${EMBED_SIZE.height} (16:9), for slides`;
  status = document.createElement("span");
  status.className = "share-status";
  status.dataset.share = "status";
  status.setAttribute("role", "status");
  status.setAttribute("aria-live", "polite");
  bar.prepend(link, embed, status);
}

window.addEventListener("approxlab:render", (e) => {
  current = { title: e.detail?.scene?.title || "" };
  ensureButtons();
});
