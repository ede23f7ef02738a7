// The lecture deck's setup: point every demo at the approxlab server, then start reveal.js.
// A classic script (not a module) so the deck also works opened from file://.
//
//   <meta name="approxlab-server" content="http://127.0.0.1:8000">   in index.html
//   index.html?server=http://192.168.1.20:8000                        overrides it
//   index.html?theme=dark                                             a dark deck and dark demos
//
// Each demo is <iframe data-demo="sawtooth?L=5" ...>: the scene and its parameters as in an
// approxlab link after "#/". This script turns it into reveal.js's lazy-loading data-src,
// http://<server>/#/sawtooth?L=5&embed=1 (plus theme=dark in a dark deck), so a demo loads
// only when its slide comes near (see preloadIframes below).
(function () {
  "use strict";

  var query = new URLSearchParams(window.location.search);

  function meta(name) {
    var el = document.querySelector('meta[name="' + name + '"]');
    return el ? el.getAttribute("content") : "";
  }

  // Only http(s) addresses; "http://host:8000/" and "http://host:8000" are the same server.
  function serverUrl(raw) {
    if (!raw) return null;
    try {
      var u = new URL(raw);
      if (u.protocol !== "http:" && u.protocol !== "https:") return null;
      return (u.origin + u.pathname).replace(/\/+$/, "");
    } catch (e) {
      return null;
    }
  }

  var server = serverUrl(query.get("server")) || serverUrl(meta("approxlab-server")) || "http://127.0.0.1:8000";
  var theme = (query.get("theme") || meta("approxlab-theme") || "light").toLowerCase();
  if (theme !== "dark") theme = "light";
  document.documentElement.classList.toggle("dark", theme === "dark");

  function demoUrl(demo) {
    var spec = demo.replace(/^#?\/?/, "");
    var q = spec.indexOf("?");
    var scene = q < 0 ? spec : spec.slice(0, q);
    var params = new URLSearchParams(q < 0 ? "" : spec.slice(q + 1));
    if (!params.has("embed")) params.set("embed", "1");
    if (theme === "dark" && !params.has("theme")) params.set("theme", "dark");
    // Keep commas readable (controls=a,b); approxlab decodes either form.
    return server + "/#/" + scene + "?" + params.toString().replace(/%2C/gi, ",");
  }

  document.querySelectorAll("iframe[data-demo]").forEach(function (frame) {
    frame.setAttribute("data-src", demoUrl(frame.getAttribute("data-demo")));
  });
  document.querySelectorAll(".server-url").forEach(function (el) {
    el.textContent = server;
  });

  window.approxlabDeck = { server: server, theme: theme, demoUrl: demoUrl, serverUrl: serverUrl };

  Reveal.initialize({
    width: 1280,
    height: 720,
    margin: 0.04,
    hash: true, // the slide number stays in the URL: a reload keeps the slide
    controls: true,
    progress: true,
    slideNumber: "c/t",
    transition: "fade",
    // Demos load while their slide is up to two slides away and stay loaded while it is
    // that near: a demo is ready when its slide comes up, and going back to it keeps what
    // was set. (Without this, reveal.js loads an iframe only on its slide and resets it
    // on leaving.)
    preloadIframes: true,
    viewDistance: 2,
    // The demos forward the clicker's keys (PageDown, PageUp, space, "." / "b") with
    // window.parent.postMessage('{"method":"next"}', "*"): reveal.js's postMessage API,
    // which is on by default. Keep it on, or the clicker stops working inside a demo.
    postMessage: true,
  });

  // A demo keeps the keyboard focus after the deck moves on; give it back to the deck so
  // that the next key (an arrow, say) goes to the current slide, not to a hidden demo.
  Reveal.on("slidechanged", function (event) {
    var active = document.activeElement;
    if (active && active.tagName === "IFRAME" && !event.currentSlide.contains(active)) {
      active.blur();
      window.focus();
    }
  });
})();
