// The offline demo's runtime (approxlab/standalone.py). It runs after the frontend's own
// modules (format.js, plots.js, panels.js — inlined as they are), so traces, metrics and
// checks are drawn exactly as in the app; role colours and dashes come from the inlined
// vocabulary (approxlab.scenes.vocabulary). Everything it shows is in #demo-data: no
// request ever leaves the page.

(() => {
  const data = JSON.parse(document.getElementById("demo-data").textContent);
  const { scene, sweep, fixed, roles, results } = data;
  // Arrays repeated across values are stored once (standalone.py, _pooled).
  const pool = data.pool || [];
  for (const r of results) {
    for (const p of r?.plots || []) {
      for (const t of p.traces || []) {
        for (const k of ["x", "y", "z"]) {
          if (t[k] && !Array.isArray(t[k]) && Number.isInteger(t[k].$pool)) t[k] = pool[t[k].$pool];
        }
      }
    }
  }
  const $ = (id) => document.getElementById(id);
  const slider = $("sweep");
  const output = $("sweep-value");
  const plotsEl = $("plots");
  const figures = new Map();
  const state = { index: -1, seq: 0, results };
  window.approxlabDemo = state;

  for (const e of document.querySelectorAll("[data-rich]")) e.innerHTML = richText(e.textContent);
  $("fixed").textContent = fixed.length
    ? `Other parameters, fixed in this file: ${fixed.map((f) => `${f.label} = ${f.value}`).join(", ")}.`
    : "";

  function rgba(hex, alpha) {
    const n = parseInt(hex.slice(1), 16);
    return `rgba(${(n >> 16) & 255}, ${(n >> 8) & 255}, ${n & 255}, ${alpha})`;
  }

  /** The vocabulary's colour and dash for a trace's role, over the frontend's mapping. */
  function styled(t, trace) {
    if (t.group) trace.legendgroup = t.group;
    if (t.legend === false) trace.showlegend = false;
    const role = roles[t.style];
    if (!role) return trace;
    const color = role.color.light;
    if (t.kind === "band") {
      trace.fillcolor = rgba(color, 0.16);
      if (trace.line) trace.line.color = color;
    } else if (t.kind === "bar") {
      trace.marker = { ...(trace.marker || {}), color: rgba(color, 0.85), line: { color, width: 1 } };
    } else if (t.kind === "markers") {
      trace.marker = { ...(trace.marker || {}), color, symbol: role.marker };
    } else if (trace.line) {
      trace.line = { ...trace.line, color, dash: role.dash };
    }
    return trace;
  }

  function axisPatch(layoutAxis, ax) {
    if (ax && Array.isArray(ax.range)) {
      layoutAxis.range = ax.log ? ax.range.map((v) => Math.log10(v)) : ax.range;
    }
    return layoutAxis;
  }

  function fontSize() {
    return Math.round((parseFloat(getComputedStyle(document.documentElement).fontSize) || 16) * 0.8);
  }

  function figureFor(plot, i) {
    let f = figures.get(plot.id);
    if (!f) {
      const fig = document.createElement("figure");
      fig.className = "plot-card";
      fig.dataset.plot = plot.id;
      const title = document.createElement("div");
      title.className = "plot-title";
      title.id = `plot-title-${plot.id}`;
      const div = document.createElement("div");
      div.className = "plot";
      div.id = `plot-${plot.id}`;
      div.setAttribute("aria-labelledby", title.id);
      const caption = document.createElement("figcaption");
      caption.className = "plot-caption";
      caption.id = `plot-caption-${plot.id}`;
      div.setAttribute("aria-describedby", caption.id);
      fig.append(title, div, caption);
      f = { fig, title, div, caption };
      figures.set(plot.id, f);
    }
    if (plotsEl.children[i] !== f.fig) plotsEl.insertBefore(f.fig, plotsEl.children[i] || null);
    return f;
  }

  function ordered(plots) {
    const first = plots.findIndex((p) => p.id === scene.primary_plot);
    return first > 0 ? [plots[first], ...plots.slice(0, first), ...plots.slice(first + 1)] : plots;
  }

  // Plots in (or near) the viewport are redrawn at once; the others once the slider has
  // been quiet for a moment, or as soon as they scroll into view (as in the app).
  const QUIET_MS = 150;
  let quietTimer = null;
  const viewport =
    typeof IntersectionObserver === "function"
      ? new IntersectionObserver(
          (entries) => {
            for (const e of entries) {
              const f = [...figures.values()].find((g) => g.div === e.target);
              if (!f) continue;
              f.visible = e.isIntersecting;
              if (f.visible && f.pending) flush();
            }
          },
          { rootMargin: "100px" },
        )
      : null;

  function draw(f, plot) {
    f.pending = null;
    f.drawn = true;
    const size = fontSize();
    const traces = (plot.traces || []).map((t, j) => styled(t, toPlotly(t, j, size)));
    const layout = layoutFor(plot, { uirevision: `${scene.id}/${plot.id}`, fontSize: size, compact: false });
    layout.xaxis = axisPatch(layout.xaxis, plot.x);
    layout.yaxis = axisPatch(layout.yaxis, plot.y);
    if (plot.aspect === "equal") layout.yaxis.scaleanchor = "x";
    return window.Plotly.react(f.div, traces, layout, PLOT_CONFIG);
  }

  function settle() {
    if ([...figures.values()].some((f) => f.pending)) return;
    state.settled = state.seq;
    window.dispatchEvent(new CustomEvent("approxlab:demo-settled", { detail: { index: state.index, seq: state.seq } }));
  }

  async function flush() {
    const jobs = [...figures.values()].filter((f) => f.pending).map((f) => draw(f, f.pending));
    await Promise.all(jobs);
    settle();
  }

  async function drawPlots(result) {
    const plots = ordered(result.plots || []);
    const keep = new Set(plots.map((p) => p.id));
    for (const [id, f] of figures) {
      if (!keep.has(id)) {
        viewport?.unobserve(f.div);
        window.Plotly.purge(f.div);
        f.fig.remove();
        figures.delete(id);
      }
    }
    const now = [];
    plots.forEach((plot, i) => {
      const f = figureFor(plot, i);
      if (!f.observed) {
        viewport?.observe(f.div);
        f.observed = true;
      }
      f.fig.classList.toggle("primary", i === 0);
      f.title.innerHTML = richText(plot.title ?? "");
      f.caption.textContent = plot.caption || "";
      f.caption.hidden = !plot.caption;
      if (!f.drawn || f.visible || !viewport) now.push(draw(f, plot));
      else f.pending = plot;
    });
    await Promise.all(now);
    clearTimeout(quietTimer);
    quietTimer = setTimeout(flush, QUIET_MS);
  }

  async function show(i) {
    const result = results[i];
    state.index = i;
    output.textContent = sweep.labels[i];
    slider.setAttribute("aria-valuetext", `${sweep.label}: ${sweep.labels[i]}`);
    if (!result) return;
    renderMetrics($("metrics"), result.metrics, scene.metric_labels || {});
    renderChecks($("checks"), $("checks-summary"), result.checks);
    renderNotes($("notes-section"), $("notes"), result.notes);
    await drawPlots(result);
    if (state.index !== i) return; // a newer value is on its way
    state.seq += 1;
    state.value = sweep.values[i];
    window.dispatchEvent(new CustomEvent("approxlab:demo-render", { detail: { index: i, value: sweep.values[i], seq: state.seq } }));
    settle();
  }

  slider.addEventListener("input", () => show(Number(slider.value)));
  show(Number(slider.value) || sweep.start);
})();
