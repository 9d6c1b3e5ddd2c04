/* ismsbook search: the browser half of src/search.
 *
 * The index is a set of small scripts under search/ that call back into
 * window.ismsSearch; loading them with <script> tags works from file:// as
 * well as over HTTP. A query loads the manifest, then one terms shard per
 * query word, ranks documents by their postings, and loads titles (d/) and
 * snippet text (x/) only for the results it shows.
 *
 * Tokenising mirrors src/search/tokenize.rs: lower case without accents
 * (ß as ss), ids such as 5.15 kept whole, "A.5.15" read as "5.15", stop
 * words dropped, Chinese, Japanese and Korean cut into pairs of characters.
 * Stemming needs no stemmer here: each shard maps the words of the handbook
 * to their stems (a word of several languages to several), so "policies"
 * finds "policy".
 */
(function () {
  "use strict";

  var script = document.currentScript;
  var root = (script && script.getAttribute("data-root")) || "";
  var base = root + "search/";
  var S = (window.ismsSearch = window.ismsSearch || {});

  var STOP = {};
  ("a an and are as at be by for from has have in is it its of on or our that the their " +
    "this to was we were which will with").split(" ").forEach(function (w) { STOP[w] = true; });

  var RESULTS = 10;

  /* ---- Loading index scripts ------------------------------------------ */

  var manifest = null;
  var version = "";
  var facets = null;
  var shards = {};   // key -> {w, p}
  var metas = {};    // chunk -> [[url, title, kind, subtitle, anchors, headings]]
  var texts = {};    // chunk -> [[section text]]
  var waiting = {};  // name -> [resolve]
  var loading = {};  // name -> promise

  function settle(name) {
    (waiting[name] || []).forEach(function (resolve) { resolve(); });
    delete waiting[name];
  }
  S.i = function (v, data) { version = v; manifest = data; settle("index"); };
  S.t = function (key, data) { shards[key] = data; settle("t/" + key); };
  S.d = function (n, data) { metas[n] = data; settle("d/" + n); };
  S.x = function (n, data) { texts[n] = data; settle("x/" + n); };
  S.f = function (_, packed) { facets = packed; settle("facets"); };

  function load(name) {
    if (loading[name]) return loading[name];
    loading[name] = new Promise(function (resolve, reject) {
      (waiting[name] = waiting[name] || []).push(resolve);
      var el = document.createElement("script");
      el.src = base + name + ".js" + (version ? "?v=" + version : "");
      el.async = true;
      el.onerror = function () { delete loading[name]; reject(new Error("cannot load " + name)); };
      document.head.appendChild(el);
    });
    return loading[name];
  }

  /* ---- Text to terms (as src/search/tokenize.rs) ---------------------- */

  // Letters without a decomposition, as readers type them (tokenize.rs: push_folded).
  var FOLD = { "ß": "ss", "æ": "ae", "œ": "oe", "þ": "th", "ø": "o", "ł": "l", "đ": "d", "ð": "d", "ı": "i", "ς": "σ" };
  // Scripts written without spaces (tokenize.rs: is_cjk).
  var CJK_CLASS = "\\u1100-\\u11ff\\u2e80-\\u2fdf\\u3005-\\u3007\\u3040-\\u30ff\\u3130-\\u318f\\u31f0-\\u31ff" +
    "\\u3400-\\u4dbf\\u4e00-\\u9fff\\ua960-\\ua97f\\uac00-\\ud7ff\\uf900-\\ufaff\\uff66-\\uff9f\\u{20000}-\\u{2ffff}";
  var CJK = new RegExp("^[" + CJK_CLASS + "]$", "u");
  // Words of a text as shown: runs of those scripts, or letters and digits (ids whole).
  var TOKEN = new RegExp("[" + CJK_CLASS + "]+|(?:(?![" + CJK_CLASS + "])[\\p{L}\\p{N}])+(?:\\.\\d+)*", "gu");

  function isAlnum(c) { return /[\p{L}\p{N}]/u.test(c); }
  function isDigit(c) { return c >= "0" && c <= "9"; }
  function isCjk(c) { return CJK.test(c) && isAlnum(c); }

  function normalize(text) {
    var out = "";
    for (var c of text) {
      if (c < "\u0080") { out += c.toLowerCase(); continue; }
      if (isCjk(c)) { out += c; continue; }
      var plain = c.normalize("NFD").replace(/\p{M}/gu, "").toLowerCase();
      for (var l of plain) out += FOLD[l] || l;
    }
    return out;
  }

  function term(word) {
    if (/^a\.\d/.test(word)) word = word.slice(2);
    if (!word) return null;
    var chars = Array.from(word);
    if (chars.length === 1 && !isDigit(word) && !isCjk(word)) return null;
    if (STOP[word]) return null;
    return word;
  }

  /** Terms of a text, in order; a run of Chinese, Japanese or Korean gives its pairs. */
  function terms(text) {
    var chars = Array.from(normalize(text));
    var out = [];
    var word = "";
    var run = [];
    function flush() {
      var t = term(word);
      if (t) out.push(t);
      word = "";
    }
    function flushRun() {
      if (run.length === 1) out.push(run[0]);
      for (var k = 0; k + 1 < run.length; k++) out.push(run[k] + run[k + 1]);
      run = [];
    }
    for (var i = 0; i < chars.length; i++) {
      var c = chars[i];
      if (isCjk(c)) { if (word) flush(); run.push(c); continue; }
      if (run.length) flushRun();
      if (isAlnum(c)) { word += c; continue; }
      var joins = c === "." && i + 1 < chars.length && isDigit(chars[i + 1]) &&
        (isDigit(word.slice(-1)) || word === "a");
      if (joins) { word += c; continue; }
      if (word) flush();
    }
    if (run.length) flushRun();
    if (word) flush();
    return out;
  }

  /** The stems a shard gives a word (a word of several languages has several). */
  function stemsOf(shard, word) {
    var s = shard.w[word];
    return s === undefined ? [] : Array.isArray(s) ? s : [s];
  }

  function hex(text) {
    var bytes = new TextEncoder().encode(text);
    var out = "";
    for (var i = 0; i < bytes.length; i++) out += (bytes[i] < 16 ? "0" : "") + bytes[i].toString(16);
    return out;
  }

  /** The shard keys that can hold `word` (or, for a prefix, any word starting
   *  with it). A word lives in the longest key that is a prefix of its hex. */
  function keysFor(word, prefix) {
    var h = hex(word);
    var all = manifest.t;
    if (prefix) {
      return all.filter(function (k) { return k.indexOf(h) === 0 || h.indexOf(k) === 0; });
    }
    var best = "";
    all.forEach(function (k) { if (h.indexOf(k) === 0 && k.length > best.length) best = k; });
    return best ? [best] : [];
  }

  /* ---- Postings ------------------------------------------------------- */

  var decoded = {};
  function postings(shard, stem) {
    var key = stem;
    if (decoded[key]) return decoded[key];
    var text = shard.p[stem];
    var list = [];
    if (text) {
      var doc = 0;
      text.split(";").forEach(function (p) {
        var f = p.split(",");
        doc += parseInt(f[0], 36);
        list.push([doc, parseInt(f[1], 36), f.length > 2 ? parseInt(f[2], 36) : 0]);
      });
    }
    decoded[key] = list;
    return list;
  }

  /** For one query term: doc -> [score, section], and the words it matched. */
  function matchTerm(t, prefix) {
    var docs = new Map();
    var words = [];
    var keys = keysFor(t, prefix);
    keys.forEach(function (k) {
      var shard = shards[k];
      if (!shard) return;
      var stems = new Map();
      var exact = stemsOf(shard, t);
      exact.forEach(function (s) { stems.set(s, 1); });
      if (prefix || !exact.length) {
        var found = 0;
        for (var w in shard.w) {
          if (w !== t && w.indexOf(t) === 0 && found < 60) {
            found++;
            stemsOf(shard, w).forEach(function (s) { if (!stems.has(s)) stems.set(s, 0.7); });
          }
        }
      }
      stems.forEach(function (weight, stem) {
        for (var w in shard.w) if (stemsOf(shard, w).indexOf(stem) >= 0) words.push(w);
        postings(shard, stem).forEach(function (p) {
          var score = p[1] * weight;
          var seen = docs.get(p[0]);
          if (!seen || seen[0] < score) docs.set(p[0], [score, p[2]]);
        });
      });
    });
    return { docs: docs, words: words };
  }

  /* ---- Filters ---------------------------------------------------------- */

  function facet(doc) {
    var f = facets.substr(doc * 5, 5);
    return { kind: f[0], theme: f[1], status: f[2], owner: String(parseInt(f.substr(3), 36)) };
  }

  function passes(doc, filters) {
    if (!filters) return true;
    var f = facet(doc);
    for (var k in filters) if (filters[k] && f[k] !== filters[k]) return false;
    return true;
  }

  /* ---- Searching -------------------------------------------------------- */

  /** Ranks documents for `query`; resolves to {hits: [[doc, score, section]], words, prefixes}. */
  function search(query, filters) {
    var list = terms(query);
    if (!list.length) return Promise.resolve({ hits: [], words: [], prefixes: [] });
    var open = !/\s$/.test(query);
    var wanted = list.map(function (t, i) {
      return { term: t, prefix: open && i === list.length - 1 };
    });
    return load("index").then(function () {
      var names = [];
      wanted.forEach(function (w) {
        keysFor(w.term, w.prefix).forEach(function (k) { names.push("t/" + k); });
      });
      if (filters) names.push("facets");
      return Promise.all(names.map(function (n) { return load(n).catch(function () {}); }));
    }).then(function () {
      var matched = wanted.map(function (w) { return matchTerm(w.term, w.prefix); });
      var words = [];
      matched.forEach(function (m) { words = words.concat(m.words); });
      var prefixes = wanted.filter(function (w) { return w.prefix; }).map(function (w) { return w.term; });
      var total = new Map();
      function combine(all) {
        matched[0].docs.forEach(function (v, doc) {
          if (!passes(doc, filters)) return;
          var score = 0, best = v, ok = true;
          for (var i = 0; i < matched.length; i++) {
            var hit = matched[i].docs.get(doc);
            if (!hit) { if (all) { ok = false; break; } continue; }
            score += hit[0];
            if (hit[0] > best[0]) best = hit;
          }
          if (ok) total.set(doc, [score, best[1]]);
        });
        if (!all) {
          for (var i = 1; i < matched.length; i++) {
            matched[i].docs.forEach(function (v, doc) {
              if (!total.has(doc) && passes(doc, filters)) total.set(doc, [v[0], v[1]]);
            });
          }
        }
      }
      combine(true);
      if (!total.size && matched.length > 1) combine(false);
      var hits = [];
      total.forEach(function (v, doc) { hits.push([doc, v[0], v[1]]); });
      hits.sort(function (a, b) { return b[1] - a[1] || a[0] - b[0]; });
      return { hits: hits, words: words, prefixes: prefixes };
    });
  }

  /* ---- Snippets --------------------------------------------------------- */

  function escapeHtml(s) {
    return s.replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }

  function matcher(found) {
    var words = {};
    found.words.forEach(function (w) { words[w] = true; });
    return function (word) {
      var n = normalize(word);
      if (/^a\.\d/.test(n)) n = n.slice(2);
      if (words[n]) return true;
      return found.prefixes.some(function (p) { return n.indexOf(p) === 0; });
    };
  }

  /** Up to ~180 characters of `text` around its first match, matches in <mark>. */
  function snippet(text, isMatch) {
    if (!text) return "";
    var spans = [];
    var m;
    TOKEN.lastIndex = 0;
    while ((m = TOKEN.exec(text))) {
      var chars = Array.from(m[0]);
      if (!isCjk(chars[0])) {
        if (isMatch(m[0])) spans.push([m.index, m.index + m[0].length]);
        continue;
      }
      // A run of Chinese, Japanese or Korean: mark the pairs that match.
      var offsets = [m.index];
      chars.forEach(function (c, k) { offsets.push(offsets[k] + c.length); });
      var marked = [];
      if (chars.length === 1) marked[0] = isMatch(chars[0]);
      for (var k = 0; k + 1 < chars.length; k++) {
        if (isMatch(chars[k] + chars[k + 1])) marked[k] = marked[k + 1] = true;
      }
      for (k = 0; k < chars.length; k++) {
        if (!marked[k]) continue;
        var last = k;
        while (last + 1 < chars.length && marked[last + 1]) last++;
        spans.push([offsets[k], offsets[last + 1]]);
        k = last;
      }
    }
    var start = 0;
    if (spans.length && spans[0][0] > 60) start = text.lastIndexOf(" ", spans[0][0] - 50) + 1;
    var end = Math.min(text.length, start + 180);
    if (end < text.length) { var cut = text.lastIndexOf(" ", end); if (cut > start + 80) end = cut; }
    var out = start > 0 ? "… " : "";
    var at = start;
    spans.forEach(function (s) {
      if (s[0] < start || s[1] > end) return;
      out += escapeHtml(text.slice(at, s[0])) + "<mark>" + escapeHtml(text.slice(s[0], s[1])) + "</mark>";
      at = s[1];
    });
    out += escapeHtml(text.slice(at, end)) + (end < text.length ? " …" : "");
    return out;
  }

  /* ---- The search box ---------------------------------------------------- */

  // The box's contents, written here rather than on every page.
  var BOX =
    '<label class="visually-hidden" for="search-input">Search the handbook</label>' +
    '<input id="search-input" class="search-input" type="text" inputmode="search" enterkeyhint="search" ' +
    'placeholder="Search — press /" autocomplete="off" spellcheck="false" role="combobox" aria-expanded="false" ' +
    'aria-controls="search-results" aria-autocomplete="list" aria-describedby="search-help">' +
    '<span id="search-help" class="visually-hidden">Results appear as you type. Use the arrow keys to choose, ' +
    'Enter to open, Escape to close.</span>' +
    '<div class="search-panel" hidden><div class="search-filters">' +
    ["kind", "theme", "status", "owner"].map(function (f) {
      return '<label>' + f.charAt(0).toUpperCase() + f.slice(1) + ' <select data-filter="' + f +
        '"><option value="">All</option></select></label>';
    }).join("") +
    '</div><p class="search-status" role="status" aria-live="polite"></p>' +
    '<ul id="search-results" class="search-results" role="listbox" aria-label="Search results"></ul></div>';

  function setup() {
    var box = document.querySelector("[data-search]");
    if (!box) return;
    if (!box.querySelector("input")) box.innerHTML = BOX;
    box.hidden = false;
    var input = box.querySelector("input");
    var panel = box.querySelector(".search-panel");
    var list = box.querySelector("[role=listbox]");
    var status = box.querySelector(".search-status");
    var selects = Array.prototype.slice.call(box.querySelectorAll("select[data-filter]"));
    var active = -1;
    var serial = 0;
    var shown = RESULTS;
    var filled = false;
    var current = null;
    // Outside the listbox, which holds only options.
    var more = document.createElement("button");
    more.type = "button";
    more.className = "search-more";
    more.textContent = "Show more results";
    more.hidden = true;
    list.parentNode.insertBefore(more, list.nextSibling);
    more.addEventListener("click", function () {
      shown += RESULTS;
      render(current, performance.now(), serial);
      input.focus();
    });

    function fillFilters() {
      if (filled || !manifest) return;
      filled = true;
      var labels = { kind: manifest.kinds, theme: manifest.themes, status: manifest.states, owner: manifest.owners };
      selects.forEach(function (sel) {
        var values = labels[sel.getAttribute("data-filter")] || [];
        values.forEach(function (label, i) {
          var opt = document.createElement("option");
          var kind = sel.getAttribute("data-filter");
          opt.value = String(kind === "kind" ? i : i + 1);
          opt.textContent = label;
          sel.appendChild(opt);
        });
      });
    }

    function filters() {
      var f = null;
      selects.forEach(function (sel) {
        if (sel.value) { f = f || {}; f[sel.getAttribute("data-filter")] = sel.value; }
      });
      return f;
    }

    /** The panel hangs from the header (so it fits the screen at any width),
     *  just below the search box, wherever the header has wrapped it. */
    function place() {
      var host = panel.offsetParent;
      if (!host || panel.hidden) return;
      var below = input.getBoundingClientRect().bottom - host.getBoundingClientRect().top;
      panel.style.top = Math.round(below + 6) + "px";
    }

    function open(yes) {
      panel.hidden = !yes;
      input.setAttribute("aria-expanded", yes ? "true" : "false");
      if (yes) {
        place();
        load("index").then(fillFilters, function () {});
      }
    }

    function options() { return list.querySelectorAll("[role=option]"); }

    function highlight(i) {
      var opts = options();
      if (!opts.length) { active = -1; input.removeAttribute("aria-activedescendant"); return; }
      active = (i + opts.length) % opts.length;
      for (var k = 0; k < opts.length; k++) opts[k].setAttribute("aria-selected", k === active ? "true" : "false");
      input.setAttribute("aria-activedescendant", opts[active].id);
      opts[active].scrollIntoView({ block: "nearest" });
    }

    function render(found, started, mine) {
      current = found;
      var hits = found.hits;
      var top = hits.slice(0, shown);
      var chunks = {};
      top.forEach(function (h) { chunks[Math.floor(h[0] / manifest.m)] = true; });
      return Promise.all(Object.keys(chunks).map(function (n) { return load("d/" + n); })).then(function () {
        if (mine !== serial) return;
        var isMatch = matcher(found);
        list.innerHTML = "";
        active = -1;
        top.forEach(function (h, i) {
          var meta = metas[Math.floor(h[0] / manifest.m)][h[0] % manifest.m];
          var section = h[2];
          var anchor = section > 0 ? meta[4][section - 1] : "";
          var heading = section > 0 ? meta[5][section - 1] : "";
          // The link is the option, so that no control is nested in another.
          var li = document.createElement("li");
          li.setAttribute("role", "none");
          li.innerHTML =
            '<a role="option" id="search-result-' + i + '" aria-selected="false" data-doc="' + h[0] +
            '" tabindex="-1" href="' + escapeHtml(root + meta[0] + (anchor ? "#" + anchor : "")) + '">' +
            '<span class="sr-kind">' + escapeHtml(manifest.kinds[meta[2]]) + "</span> " +
            '<span class="sr-title">' + snippetless(meta[1], isMatch) + "</span>" +
            (heading ? '<span class="sr-where"> › ' + escapeHtml(heading) + "</span>" : "") +
            '<span class="sr-sub">' + escapeHtml(meta[3]) + "</span>" +
            '<span class="sr-snippet"></span></a>';
          li.addEventListener("mousedown", function (e) { e.preventDefault(); });
          list.appendChild(li);
        });
        more.hidden = hits.length <= top.length;
        status.textContent = hits.length
          ? hits.length + (hits.length === 1 ? " result" : " results")
          : "No results for “" + input.value.trim() + "”";
        list.setAttribute("data-ms", String(Math.round(performance.now() - started)));
        list.setAttribute("data-scripts", String(document.scripts.length));
        list.setAttribute("data-query", input.value);
        fillSnippets(top, found, mine);
      });
    }

    function snippetless(title, isMatch) { return snippet(title, isMatch).replace(/^… | …$/g, ""); }

    function fillSnippets(top, found, mine) {
      var isMatch = matcher(found);
      top.forEach(function (h, i) {
        var n = Math.floor(h[0] / manifest.x);
        load("x/" + n).then(function () {
          if (mine !== serial) return;
          var sections = texts[n][h[0] % manifest.x] || [];
          var text = h[2] > 0 ? sections[h[2] - 1] : sections.find(function (t) { return t; });
          var el = document.getElementById("search-result-" + i);
          if (!el) return;
          el.querySelector(".sr-snippet").innerHTML = snippet(text || "", isMatch);
          el.setAttribute("data-snippet", "1");
        }, function () {});
      });
    }

    function run() {
      var query = input.value;
      var mine = ++serial;
      var started = performance.now();
      shown = RESULTS;
      if (!query.trim()) {
        list.innerHTML = "";
        status.textContent = "";
        more.hidden = true;
        active = -1;
        return;
      }
      open(true);
      search(query, filters()).then(function (found) {
        if (mine !== serial) return;
        return render(found, started, mine);
      }).catch(function () {
        status.textContent = "Search is not available: the search index could not be loaded.";
      });
    }

    input.addEventListener("input", run);
    input.addEventListener("focus", function () { if (input.value.trim()) open(true); else load("index").then(fillFilters, function () {}); });
    selects.forEach(function (sel) { sel.addEventListener("change", function () { run(); }); });
    input.addEventListener("keydown", function (e) {
      if (e.key === "ArrowDown") { e.preventDefault(); open(true); highlight(active + 1); }
      else if (e.key === "ArrowUp") { e.preventDefault(); highlight(active - 1); }
      else if (e.key === "Enter") {
        var opts = options();
        var target = opts[active >= 0 ? active : 0];
        if (target) { e.preventDefault(); window.location.href = target.href; }
      } else if (e.key === "Escape") {
        if (!panel.hidden) { e.preventDefault(); open(false); } else { input.value = ""; run(); input.blur(); }
      }
    });
    document.addEventListener("keydown", function (e) {
      if (e.defaultPrevented || e.ctrlKey || e.metaKey || e.altKey) return;
      if (e.key !== "/" && e.key !== "s") return;
      var t = e.target;
      var typing = t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName));
      if (typing) return;
      e.preventDefault();
      input.focus();
      input.select();
    });
    document.addEventListener("click", function (e) {
      if (!box.contains(e.target)) open(false);
    });
    window.addEventListener("resize", place);
  }

  S.search = search;
  S.terms = terms;
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", setup);
  else setup();
})();
