// Clicker keys belong to the deck. When approxlab runs inside a frame (a reveal.js slide,
// any page with an <iframe>), the keys a presentation clicker sends — PageDown / PageUp,
// the space bar (Shift+space: back) and the "black screen" button ("." or "b") — are
// taken away from the controls in the capture phase and handed to the surrounding page
// through reveal.js's postMessage API:
//
//   window.parent.postMessage(JSON.stringify({ method: "next" }), "*")
//
// reveal.js (postMessage: true, its default) parses a JSON string {method, args} and calls
// Reveal[method](...args); "next", "prev" and "togglePause" are public API methods. Arrow
// keys, Home and End stay with the focused slider. Typing in a text or number field keeps
// its space, "." and "b". Outside a frame nothing is intercepted: the page scrolls with
// PageDown and space as usual.

const FORWARD = {
  PageDown: "next",
  PageUp: "prev",
  " ": "next", // Shift+space: "prev"
  ".": "togglePause",
  b: "togglePause",
  B: "togglePause",
};

// Keys that are characters: a field the user types into keeps them.
const TYPED = new Set([" ", ".", "b", "B"]);

const TEXT_INPUTS = new Set(["text", "search", "number", "email", "url", "tel", "password"]);

/** True when this page is shown inside another page (a frame or iframe). */
export function framed(win = window) {
  try {
    return win.parent !== win;
  } catch {
    return true;
  }
}

function typingInto(el) {
  if (!el) return false;
  if (el.isContentEditable) return true;
  const tag = el.tagName;
  if (tag === "TEXTAREA") return true;
  return tag === "INPUT" && TEXT_INPUTS.has((el.type || "text").toLowerCase());
}

/**
 * The deck method a key event stands for, or null if the key stays with the page.
 * Exported for tests.
 */
export function deckMethod(e) {
  if (e.ctrlKey || e.altKey || e.metaKey || e.isComposing) return null;
  const method = FORWARD[e.key];
  if (!method) return null;
  if (TYPED.has(e.key) && typingInto(e.target)) return null;
  if (e.key === " " && e.shiftKey) return "prev";
  return method;
}

function tellDeck(method) {
  try {
    window.parent.postMessage(JSON.stringify({ method, args: [] }), "*");
  } catch {
    // A parent that refuses messages: the key is still kept from the controls.
  }
}

function onKey(e) {
  if (!framed()) return;
  const method = deckMethod(e);
  if (!method) return;
  // Neither the focused control (a slider steps by 10 on PageDown, a button clicks on
  // space) nor the page (scrolling) acts on the key.
  e.preventDefault();
  e.stopImmediatePropagation();
  if (e.type === "keydown") {
    window.dispatchEvent(new CustomEvent("approxlab:deck-key", { detail: { key: e.key, method } }));
    tellDeck(method);
  }
}

// keyup too: a button or checkbox acts on the space bar's keyup.
for (const type of ["keydown", "keypress", "keyup"]) {
  window.addEventListener(type, onKey, { capture: true });
}
