/* ismsbook serve: reloads the page after each rebuild and shows build errors.
 * Injected by `ismsbook serve` only; never part of a built site. */
(function () {
  "use strict";
  var OVERLAY = "ismsbook-errors";

  function escapeHtml(s) {
    return String(s).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }

  function showErrors(errors) {
    var box = document.getElementById(OVERLAY);
    if (!box) {
      box = document.createElement("div");
      box.id = OVERLAY;
      box.setAttribute("role", "alertdialog");
      box.setAttribute("aria-label", "Build errors");
      document.body.appendChild(box);
    }
    box.innerHTML =
      "<div class=\"ismsbook-errors-inner\"><h2>The handbook did not build</h2>" +
      "<p>The page below is the last good build. Fix these and save:</p><ul>" +
      errors.map(function (e) {
        return "<li><code>" + escapeHtml(e.file + ":" + e.line + ":" + e.column) + "</code> " + escapeHtml(e.message) + "</li>";
      }).join("") +
      "</ul></div>";
  }

  function hideErrors() {
    var box = document.getElementById(OVERLAY);
    if (box) box.remove();
  }

  var wasOpen = false;
  function connect() {
    var socket = new WebSocket((location.protocol === "https:" ? "wss://" : "ws://") + location.host + "/__ismsbook/ws");
    socket.onopen = function () {
      if (wasOpen) location.reload(); // the server restarted
      wasOpen = true;
    };
    socket.onmessage = function (event) {
      var msg = JSON.parse(event.data);
      if (msg.type === "reload") location.reload();
      else if (msg.type === "errors") showErrors(msg.errors);
      else if (msg.type === "ok") hideErrors();
    };
    socket.onclose = function () { setTimeout(connect, 1000); };
  }
  connect();
})();
