// Opt-in scene widgets: custom interactions a scene asks for in its `widgets` list
// (`{"type": …, …config}` in GET /api/v1/scenes). Each type is a small module registered
// here; unknown types are ignored, so the server may offer widgets this page does not know.
//
// A widget is created as `new Widget(config, host, scene)` when its scene is shown and may
// implement any of
//   transform(result) → result   before the plots are drawn (return a copy, never mutate:
//                                results are cached)
//   rendered(result)             the plots of `result` are on screen
//   navigated()                  the URL was applied (load, back/forward, a pasted link)
//   destroy()                    the scene is left; remove everything the widget added
//
// `host` (main.js) offers
//   host.params                  the effective parameters (strings)
//   host.view                    the view options of the URL (embed, controls, plots)
//   host.setParams(updates, phase)  phase "preview" (results follow, the URL waits),
//                                "commit" (a history entry) or "repeat" (URL in place)
//   host.plot(id)                {fig, div, drawn} of a plot on screen, or null
//   host.plotly()                a Promise of window.Plotly
//   host.panelHost               an element below the plots for panels

import { DragKnots } from "./drag-knots.js";
import { PiecesJson } from "./pieces-json.js";
import { RegionsJson } from "./regions-json.js";

const REGISTRY = new Map();

export function registerWidget(type, factory) {
  REGISTRY.set(type, factory);
}

registerWidget("drag-knots", DragKnots);
registerWidget("pieces-json", PiecesJson);
registerWidget("regions-json", RegionsJson);

// A broken widget must not take the page down; report it (tests see it as a page error).
function report(e) {
  if (typeof window.reportError === "function") window.reportError(e);
  else console.error(e);
}

/** Create the widgets a scene asks for. Returns one object that fans the hooks out. */
export function mountWidgets(scene, host) {
  const list = [];
  for (const config of Array.isArray(scene.widgets) ? scene.widgets : []) {
    const Widget = config && typeof config === "object" ? REGISTRY.get(config.type) : undefined;
    if (!Widget) continue;
    try {
      list.push(new Widget(config, host, scene));
    } catch (e) {
      report(e);
    }
  }
  const each = (hook, ...args) => {
    for (const w of list) {
      if (typeof w[hook] !== "function") continue;
      try {
        w[hook](...args);
      } catch (e) {
        report(e);
      }
    }
  };
  return {
    size: list.length,
    transform(result) {
      let r = result;
      for (const w of list) {
        if (typeof w.transform !== "function") continue;
        try {
          r = w.transform(r) || r;
        } catch (e) {
          report(e);
        }
      }
      return r;
    },
    rendered: (result) => each("rendered", result),
    navigated: () => each("navigated"),
    destroy: () => each("destroy"),
  };
}
