/* carto search: answers queries from the search index in pieces that carto
   writes under recherche/ (generator/render/html/html_search.c says the
   format), loaded with script elements, so search works offline, from
   file:// and under any sub-path: recherche/index.js (the manifest, loaded
   with the page), then for each word of the query one dictionary piece (the
   terms that begin with its first two characters), the postings pieces of
   the terms it matches, and the documents shown, PAGE at a time.
   One folding rule, applied to the index and to the query alike (norm, and
   generator/text/fold.c on carto's side): compatibility decomposition (NFKD:
   "ﬁ" is "fi"), combining marks dropped ("eglise" finds "Église", "dang"
   finds "Đặng"), lower case, the letters that do not decompose spelt as
   French users type them ("coeur" finds "Cœur", "aeschne" finds "æschne",
   "strasse" finds "Straße", "lodz" finds "Łódź"; final sigma is sigma),
   then words are the runs of letters, marks and digits.
   A word of one or two characters matches that term only; a longer one every
   term it begins; one of five or more also the terms that begin with it but
   for one letter wrong, missing, extra or swapped with the next, after its
   first two. A document matches when every word does; documents whose title
   holds more of the words come first, then those that match more words
   without a typo, then the index's order. */
(function () {
  "use strict";
  var M = window.CARTO_SEARCH || { docs: 0, chunk: 64, keys: [] };
  var root = "../";
  var PAGE = 20;
  var LETTERS = { "œ": "oe", "æ": "ae", "ß": "ss", "ø": "o", "ł": "l", "đ": "d", "ð": "d",
    "ı": "i", "þ": "th", "ħ": "h", "ŋ": "n", "ς": "σ" };
  function norm(s) {
    return (s || "").normalize("NFKD")
      .replace(/[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]/g, "")
      .toLowerCase().replace(/[œæßøłđðıþħŋς]/g, function (c) { return LETTERS[c]; })
      .replace(/[’'`]/g, " ");
  }
  function words(s) {
    return norm(s).split(/[^\p{L}\p{M}\p{N}]+/u).filter(Boolean);
  }

  var keyIndex = {};
  M.keys.forEach(function (k, i) { keyIndex[k] = i; });
  var dicts = {}, posts = {}, docs = {}, loading = {};
  window.CARTO_SEARCH_DICT = function (i, terms, pieces) {
    dicts[i] = { terms: terms ? terms.split(" ") : [], pieces: pieces };
  };
  window.CARTO_SEARCH_POST = function (i, map) { posts[i] = map; };
  window.CARTO_SEARCH_DOCS = function (i, list) { docs[i] = list; };
  function load(src) {
    if (!loading[src]) {
      loading[src] = new Promise(function (resolve, reject) {
        var s = document.createElement("script");
        s.src = src;
        s.onload = resolve;
        s.onerror = function () { delete loading[src]; reject(new Error(src)); };
        document.head.appendChild(s);
      });
    }
    return loading[src];
  }

  // 1 when t begins with w but for one edit after their first two characters
  // (optimal string alignment distance between w and a prefix of t).
  function nearPrefix(w, t) {
    var m = w.length, n = Math.min(t.length, m + 1), prev2 = null, prev = [], i, j;
    for (j = 0; j <= n; j++) prev.push(j);
    for (i = 1; i <= m; i++) {
      var row = [i];
      for (j = 1; j <= n; j++) {
        var d = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (w[i - 1] === t[j - 1] ? 0 : 1));
        if (prev2 && i > 1 && j > 1 && w[i - 1] === t[j - 2] && w[i - 2] === t[j - 1])
          d = Math.min(d, prev2[j - 2] + 1);
        row.push(d);
      }
      prev2 = prev;
      prev = row;
    }
    for (j = Math.max(0, m - 1); j <= n; j++) if (prev[j] <= 1) return true;
    return false;
  }
  // 2 when term t matches word w exactly (or as its beginning), 1 with a typo.
  function match(w, cw, t) {
    if (cw.length < 3) return t === w ? 2 : 0;
    if (t.lastIndexOf(w, 0) === 0) return 2;
    if (cw.length < 5) return 0;
    var ct = Array.from(t);
    return ct[0] === cw[0] && ct[1] === cw[1] && nearPrefix(cw, ct) ? 1 : 0;
  }
  function postings(s, each) {
    var id = 0, parts = s.split(",");
    for (var i = 0; i < parts.length; i++) {
      var v = parseInt(parts[i], 36);
      id += Math.floor(v / 2);
      each(id, v % 2);
    }
  }
  // The documents matching every word, best first: [ids], from the pieces.
  function rank(per) {
    var maps = per.map(function (m) {
      var h = new Map();
      m.forEach(function (x) {
        var f = x.how === 2 ? 5 : 1;
        postings(posts[x.piece][x.term], function (id, title) {
          h.set(id, (h.get(id) || 0) | f | (title ? 2 : 0));
        });
      });
      return h;
    });
    maps.sort(function (a, b) { return a.size - b.size; });
    var out = [];
    maps[0].forEach(function (f0, id) {
      var title = 0, exact = 0;
      for (var i = 0; i < maps.length; i++) {
        var f = i ? maps[i].get(id) : f0;
        if (!f) return;
        title += f >> 1 & 1;
        exact += f >> 2 & 1;
      }
      out.push([id, title, exact]);
    });
    out.sort(function (a, b) { return b[1] - a[1] || b[2] - a[2] || a[0] - b[0]; });
    return out.map(function (r) { return r[0]; });
  }
  function search(q) {
    var ws = words(q);
    if (!ws.length) return Promise.resolve([]);
    var ks = ws.map(function (w) { return keyIndex[Array.from(w).slice(0, 2).join("")]; });
    if (ks.some(function (k) { return k === undefined; })) return Promise.resolve([]);
    return Promise.all(ks.map(function (k) { return load("d/" + k + ".js"); })).then(function () {
      var need = {};
      var per = ws.map(function (w, i) {
        var d = dicts[ks[i]], cw = Array.from(w), m = [];
        for (var j = 0; j < d.terms.length; j++) {
          var how = match(w, cw, d.terms[j]);
          if (how) {
            m.push({ term: d.terms[j], piece: d.pieces[j], how: how });
            need[d.pieces[j]] = 1;
          }
        }
        return m;
      });
      if (per.some(function (m) { return !m.length; })) return [];
      return Promise.all(Object.keys(need).map(function (p) { return load("p/" + p + ".js"); }))
        .then(function () { return rank(per); });
    });
  }
  window.CARTO_SEARCH_RUN = search;

  var list = document.getElementById("search-results");
  var status = document.getElementById("search-status");
  var more = document.getElementById("search-more");
  var seq = 0, found = [], shown = 0;
  // Shows the next PAGE results of query number my, once their documents load.
  function next(my) {
    var ids = found.slice(shown, shown + PAGE), chunks = {};
    ids.forEach(function (id) { chunks[Math.floor(id / M.chunk)] = 1; });
    return Promise.all(Object.keys(chunks).map(function (c) { return load("docs/" + c + ".js"); }))
      .then(function () {
        if (my !== seq) return;
        ids.forEach(function (id) {
          var e = docs[Math.floor(id / M.chunk)][id % M.chunk];
          var li = document.createElement("li");
          var kind = document.createElement("span");
          kind.className = "kind";
          kind.textContent = e[2];
          var a = document.createElement("a");
          a.href = root + e[1];
          a.textContent = e[0];
          li.appendChild(kind);
          li.appendChild(a);
          list.appendChild(li);
        });
        shown += ids.length;
        if (more) more.hidden = shown >= found.length;
      });
  }
  function failed(my) {
    return function () {
      if (my === seq) status.textContent = "La recherche n’a pas pu lire son index : rechargez la page.";
    };
  }
  function show(q) {
    var my = ++seq;
    found = [];
    shown = 0;
    list.textContent = "";
    if (more) more.hidden = true;
    if (!q.trim()) { status.textContent = ""; return Promise.resolve(); }
    return search(q).then(function (ids) {
      if (my !== seq) return undefined;
      found = ids;
      status.textContent = ids.length === 0 ? "Aucun résultat pour « " + q + " »."
        : ids.length + " résultat" + (ids.length > 1 ? "s" : "") + " pour « " + q + " ».";
      return next(my);
    }).catch(failed(my));
  }
  if (more) more.addEventListener("click", function () { return next(seq).catch(failed(seq)); });
  var input = document.getElementById("q");
  var q = new URLSearchParams(window.location.search).get("q") || "";
  input.value = q;
  show(q);
  input.addEventListener("input", function () {
    var url = new URL(window.location.href);
    url.searchParams.set("q", input.value);
    try { window.history.replaceState(null, "", url); } catch (err) { /* file:// */ }
    return show(input.value);
  });
})();
