/* ismsbook serve: reloads the page when a newer build is published, and
 * shows the problems of a failed build in an overlay at the top of the
 * window. Injected by `ismsbook serve` only; never part of a built site.
 *
 * The server sends states: {build, built, total, errors, since, changed}.
 * A page of an older build than `since` reloads. A later one is current
 * unless its path is in `changed` (pages that body edits changed): then
 * its <main> and footer are fetched and swapped in place, keeping scroll
 * position and whatever the page's scripts set up; a page with controls
 * in <main> (reading lists, the sortable register) reloads instead.
 * Once a swapped page is painted it marks `ismsbook-updated` in the
 * performance timeline. Otherwise the overlay shows the errors, or goes. */
(function () {
  "use strict";
  var script = document.currentScript;
  var build = script ? script.getAttribute("data-build") : null;
  var HOST = "ismsbook-errors";
  var collapsed = false;
  var shown = null; // the state the overlay shows

  var STYLE =
    ":host{all:initial}" +
    ".panel{position:fixed;top:0;left:0;right:0;z-index:2147483647;box-sizing:border-box;" +
    "max-height:min(70vh,40rem);overflow:auto;margin:0;padding:.75rem clamp(1rem,4vw,2rem) 1rem;" +
    "background:#fff;color:#1b2430;border-top:6px solid #b3261e;box-shadow:0 6px 24px rgba(0,0,0,.3);" +
    "font:15px/1.5 system-ui,-apple-system,'Segoe UI',sans-serif;text-align:left}" +
    ".bar{display:flex;gap:1rem;align-items:baseline;justify-content:space-between}" +
    "h2{margin:0;font-size:1.1rem;color:#8a1c17}" +
    "p{margin:.4rem 0}ul{margin:.4rem 0;padding-left:1.2rem}li{margin:.35rem 0;overflow-wrap:anywhere}" +
    "code{font:13px/1.4 ui-monospace,SFMono-Regular,Menlo,monospace;background:#f1f3f6;padding:.1rem .3rem;border-radius:4px}" +
    "button{font:inherit;font-size:.9rem;color:inherit;background:transparent;border:1px solid currentColor;" +
    "border-radius:4px;padding:.15rem .6rem;cursor:pointer;flex:none}" +
    "button:focus-visible{outline:3px solid #1a73e8;outline-offset:2px}" +
    ".collapsed{padding-bottom:.75rem}.collapsed .body{display:none}" +
    "@media (prefers-color-scheme:dark){.panel{background:#1e232b;color:#e8ecf1;border-top-color:#f2b8b5}" +
    "h2{color:#f2b8b5}code{background:#2b323c}}" +
    "@media print{.panel{display:none}}";

  function element(tag, className, text) {
    var e = document.createElement(tag);
    if (className) e.className = className;
    if (text !== undefined) e.textContent = text;
    return e;
  }

  function plural(n, word) {
    return n.toLocaleString("en") + " " + word + (n === 1 ? "" : "s");
  }

  function hide() {
    var host = document.getElementById(HOST);
    if (host) host.remove();
    shown = null;
  }

  function show(state) {
    shown = state;
    var host = document.getElementById(HOST);
    if (!host) {
      host = element("div");
      host.id = HOST;
      host.attachShadow({ mode: "open" });
      // Outside <body>, so no transform or filter of the page's can move it.
      document.documentElement.appendChild(host);
    }
    var root = host.shadowRoot;
    root.textContent = "";
    root.appendChild(element("style", "", STYLE));

    var panel = element("section", collapsed ? "panel collapsed" : "panel");
    panel.setAttribute("aria-labelledby", "title");
    var bar = element("div", "bar");
    var title = element("h2", "", "The handbook did not build: " + plural(state.total, "problem"));
    title.id = "title";
    title.setAttribute("role", "alert");
    var toggle = element("button", "", collapsed ? "Show" : "Hide");
    toggle.type = "button";
    toggle.setAttribute("aria-expanded", String(!collapsed));
    toggle.onclick = function () {
      collapsed = !collapsed;
      show(state);
    };
    bar.appendChild(title);
    bar.appendChild(toggle);
    panel.appendChild(bar);

    var body = element("div", "body");
    body.appendChild(element("p", "", state.built
      ? "This page shows the last good build. Fix these and save: the page reloads once the handbook builds."
      : "There is no good build to show yet. Fix these and save: the page loads the handbook once it builds."));
    var list = element("ul");
    state.errors.forEach(function (e) {
      var item = element("li");
      item.appendChild(element("code", "", e.file + ":" + e.line + ":" + e.column));
      item.appendChild(document.createTextNode(" " + e.message));
      list.appendChild(item);
    });
    body.appendChild(list);
    if (state.total > state.errors.length) {
      body.appendChild(element("p", "", "…and " + plural(state.total - state.errors.length, "more problem") +
        ": the terminal running ismsbook serve lists them all."));
    }
    panel.appendChild(body);
    root.appendChild(panel);
  }

  // This page's path in the site, as the server names its files.
  var page = (function () {
    var path;
    try {
      path = decodeURIComponent(location.pathname).replace(/^\/+/, "");
    } catch (e) {
      return null;
    }
    return path === "" || path.charAt(path.length - 1) === "/" ? path + "index.html" : path;
  })();

  // {server, number} of a build name "server-number".
  function parse(name) {
    var at = name ? name.lastIndexOf("-") : -1;
    return at < 0 ? null : { server: name.slice(0, at), number: Number(name.slice(at + 1)) };
  }

  var updating = false;
  var latest = null;

  function apply(state) {
    latest = state;
    if (updating) return; // applied again once the update is in
    if (build !== null && state.build !== build) {
      var mine = parse(build);
      var now = parse(state.build);
      var current = mine && now && mine.server === now.server &&
        typeof state.since === "number" && mine.number >= state.since;
      if (!current) {
        location.reload();
        return;
      }
      if (!state.changed || state.changed.indexOf(page) < 0) {
        build = state.build;
      } else {
        update();
        return;
      }
    }
    if (state.errors && state.errors.length) {
      show(state);
    } else {
      hide();
    }
  }

  // Swaps in the served page's <main>, footer and title.
  function update() {
    var main = document.querySelector("main");
    if (!main || main.querySelector("input,select,textarea,button,form,script,[data-sortable]") ||
        !window.fetch || !window.DOMParser) {
      location.reload();
      return;
    }
    updating = true;
    fetch(location.href, { cache: "no-store" }).then(function (response) {
      if (!response.ok) throw new Error(response.status);
      return response.text();
    }).then(function (html) {
      var fresh = new DOMParser().parseFromString(html, "text/html");
      var next = fresh.querySelector("main");
      var tag = fresh.querySelector("script[data-build]");
      var current = document.querySelector("main");
      if (!next || !tag || !current) throw new Error("not a page");
      current.replaceWith(document.adoptNode(next));
      var footer = document.querySelector("body > footer");
      var nextFooter = fresh.querySelector("body > footer");
      if (footer && nextFooter) footer.replaceWith(document.adoptNode(nextFooter));
      document.title = fresh.title;
      build = tag.getAttribute("data-build");
      // After the next paint; a hidden page paints nothing until shown.
      var mark = function () {
        if (performance.mark) performance.mark("ismsbook-updated");
      };
      if (document.hidden) {
        mark();
      } else {
        requestAnimationFrame(function () { setTimeout(mark, 0); });
      }
      updating = false;
      apply(latest);
    }).catch(function () {
      location.reload();
    });
  }

  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && !collapsed && shown) {
      collapsed = true;
      show(shown);
    }
  });

  // The state of a failed build comes with the page, so its overlay shows
  // before the WebSocket is open.
  var initial = document.getElementById("ismsbook-state");
  if (initial) {
    try {
      apply(JSON.parse(initial.textContent));
    } catch (e) { /* the WebSocket sends it again */ }
  }

  var retry = 500;
  function connect() {
    var socket = new WebSocket((location.protocol === "https:" ? "wss://" : "ws://") + location.host + "/__ismsbook/ws");
    socket.onopen = function () { retry = 500; };
    socket.onmessage = function (event) {
      var state;
      try {
        state = JSON.parse(event.data);
      } catch (e) {
        return;
      }
      apply(state);
    };
    // The server restarted or dropped this page: the state it sends on
    // reconnecting says whether to reload.
    socket.onclose = function () {
      setTimeout(connect, retry);
      retry = Math.min(retry * 2, 5000);
    };
  }
  connect();
})();
