/* Light or dark: the reader's choice (kept in localStorage), else the
 * system's. The page's <head> applies a kept choice before it is drawn; this
 * runs the header's button. */
(function () {
  "use strict";
  var root = document.documentElement, key = "ismsbook-theme";
  var system = window.matchMedia("(prefers-color-scheme: dark)");
  function dark() {
    var chosen = root.getAttribute("data-theme");
    return chosen ? chosen === "dark" : system.matches;
  }
  function start() {
    var button = document.querySelector("[data-theme-toggle]");
    if (!button) return;
    function show() { button.setAttribute("aria-pressed", String(dark())); }
    show();
    button.hidden = false;
    button.addEventListener("click", function () {
      var next = dark() ? "light" : "dark";
      root.setAttribute("data-theme", next);
      try { localStorage.setItem(key, next); } catch (e) {}
      show();
    });
    if (system.addEventListener) system.addEventListener("change", show);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
