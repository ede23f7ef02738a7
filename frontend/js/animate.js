// ▶/⏸ for a numeric control whose schema carries `animate: true` — e.g. the `step`
// (checkpoint) slider of the training scenes. Playing steps the slider through its values
// at a few frames per second; every value is reported as a "repeat" change, so the page
// updates the URL in place (history.replaceState) and fetches the new result. Playback
// stops at the last value, when the user takes hold of the control, or when the control
// leaves the page. The button is a real <button> (Enter/Space), labelled for screen
// readers, and says whether it is playing (aria-pressed).
//
// While a result is still on its way (window.approxlab.idle === false) a frame is held
// back, so the animation never runs ahead of the server: the first frame of a run that
// still has to be trained waits for it, the following ones are served from its cache.

import { paramString } from "./format.js";

export const FRAMES_PER_SECOND = 4;

function busy() {
  const hooks = window.approxlab;
  return Boolean(hooks && hooks.idle === false);
}

/**
 * Add a play/pause button to a numeric control built by controls.js.
 * @param widget   the control ({el, inputs: [range, number], spec, set})
 * @param name     the parameter's name
 * @param label    the parameter's label (for the button's accessible name)
 * @param onChange (name, value, phase) => void, as for the control itself
 */
export function attachPlayer(widget, name, label, onChange, { fps = FRAMES_PER_SECOND } = {}) {
  const { spec } = widget;
  const [range, num] = widget.inputs;
  const button = document.createElement("button");
  button.type = "button";
  button.className = "control-play";
  button.dataset.param = name;
  button.setAttribute("aria-controls", range.id);
  const icon = document.createElement("span");
  icon.setAttribute("aria-hidden", "true");
  button.append(icon);

  let timer = null;
  const value = () => {
    const v = Number(num.value);
    return Number.isFinite(v) && num.value !== "" ? spec.clamp(v) : spec.valueAtPos(spec.lo);
  };
  const last = () => spec.stepFrom(spec.max, Infinity);
  const show = (playing) => {
    icon.textContent = playing ? "⏸" : "▶";
    button.setAttribute("aria-pressed", playing ? "true" : "false");
    button.setAttribute("aria-label", `${playing ? "Pause" : "Play"} ${label}`);
    button.title = playing ? "Pause" : `Play ${label}`;
  };
  const emit = (v) => {
    const s = paramString(v);
    widget.set(s);
    onChange(name, s, "repeat");
  };
  const stop = () => {
    if (timer !== null) clearInterval(timer);
    timer = null;
    show(false);
  };
  const tick = () => {
    if (!button.isConnected) return stop();
    if (busy()) return; // hold this frame until the last one is drawn
    const v = value();
    const next = spec.stepFrom(v, 1);
    if (!(next > v)) return stop();
    emit(next);
    if (next >= last()) stop();
  };
  const play = () => {
    if (value() >= last()) emit(spec.stepFrom(spec.min, -Infinity)); // from the start again
    show(true);
    timer = setInterval(tick, 1000 / fps);
  };

  button.addEventListener("click", () => (timer === null ? play() : stop()));
  // Taking hold of the control stops the playback.
  for (const input of widget.inputs) {
    input.addEventListener("pointerdown", stop);
    input.addEventListener("keydown", (e) => {
      if (e.key !== "Tab") stop();
    });
  }
  show(false);
  const head = widget.el.querySelector(".control-head") || widget.el;
  head.append(button);
  return { button, play, stop, get playing() { return timer !== null; } };
}
