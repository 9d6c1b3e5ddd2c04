/* ismsbook reading lists: a checklist kept in this browser.
 *
 * Each policy of a reading list (li[data-policy][data-edition]) gets a
 * checkbox. A tick is kept in localStorage under the handbook, the policy's
 * id and its edition (its version, else its effective date): a new version
 * has no tick, so it shows as unread again, with a note that an earlier one
 * was read. Ticks are shared by every list that holds the policy, and by
 * other tabs. Nothing leaves the browser. Without JavaScript, or where the
 * browser keeps nothing, the page stays a plain list (ticks then last until
 * the page is left).
 */
(function () {
  "use strict";

  function storage() {
    try {
      var probe = "ismsbook-read-probe";
      localStorage.setItem(probe, "1");
      localStorage.removeItem(probe);
      return localStorage;
    } catch (e) {
      return null;
    }
  }

  function today() {
    var d = new Date();
    function two(n) { return (n < 10 ? "0" : "") + n; }
    return d.getFullYear() + "-" + two(d.getMonth() + 1) + "-" + two(d.getDate());
  }

  function setup() {
    var list = document.querySelector("[data-reading-list]");
    if (!list) return;
    var store = storage();
    var prefix = "ismsbook-read:" + (list.getAttribute("data-book") || "") + ":";
    var items = Array.prototype.slice.call(list.querySelectorAll("li[data-policy]"));
    var status = list.querySelector("[data-reading-status]");
    var count = list.querySelector("[data-reading-count]");
    var bar = list.querySelector("[data-reading-bar]");

    function key(item) {
      return prefix + item.getAttribute("data-policy") + "@" + item.getAttribute("data-edition");
    }

    /** Editions of this policy read before, other than the current one. */
    function earlier(item) {
      if (!store) return [];
      var start = prefix + item.getAttribute("data-policy") + "@";
      var found = [];
      for (var i = 0; i < store.length; i++) {
        var k = store.key(i);
        if (k && k.indexOf(start) === 0 && k !== key(item)) found.push(k.slice(start.length));
      }
      return found;
    }

    function progress() {
      var done = items.filter(function (item) { return item.querySelector("input").checked; }).length;
      count.textContent = done === items.length
        ? "All " + items.length + " read"
        : done + " of " + items.length + " read";
      bar.value = done;
    }

    function show(item) {
      var box = item.querySelector("input");
      var read = store ? store.getItem(key(item)) : box.checked ? "" : null;
      box.checked = read !== null;
      var note = item.querySelector(".reading-when");
      var old = box.checked ? [] : earlier(item);
      if (box.checked && read) {
        note.textContent = "read " + read;
      } else if (old.length) {
        note.textContent = "new version since you read " + (old.length === 1 && old[0] ? old[0] : "an earlier one");
      } else {
        note.textContent = "";
      }
      item.classList.toggle("is-read", box.checked);
      item.classList.toggle("is-updated", !box.checked && old.length > 0);
    }

    items.forEach(function (item, i) {
      var link = item.querySelector("a");
      var version = item.getAttribute("data-edition");
      var box = document.createElement("input");
      box.type = "checkbox";
      box.id = "read-" + i;
      box.className = "reading-box";
      box.setAttribute("aria-label", "Read: " + link.textContent + (version ? ", " + version : ""));
      item.insertBefore(box, item.firstChild);
      var note = document.createElement("span");
      note.className = "reading-when";
      item.appendChild(note);
      box.addEventListener("change", function () {
        if (store) {
          try {
            if (box.checked) store.setItem(key(item), today());
            else store.removeItem(key(item));
          } catch (e) { /* full or refused: the tick lasts for this page */ }
        }
        show(item);
        progress();
      });
      show(item);
    });

    if (!store) {
      var warn = document.createElement("p");
      warn.className = "note";
      warn.textContent = "This browser keeps nothing for pages opened this way: ticks last until you leave the page.";
      status.appendChild(warn);
    }
    window.addEventListener("storage", function (e) {
      if (e.key === null || e.key.indexOf(prefix) === 0) { items.forEach(show); progress(); }
    });
    status.hidden = false;
    progress();
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", setup);
  else setup();
})();
