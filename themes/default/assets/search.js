/* carto search: filters window.CARTO_INDEX (recherche/index.js) in the
   browser, so search works offline, from file:// and under any sub-path.
   One folding rule, applied to the index and to the query alike (norm):
   compatibility decomposition (NFKD: "ﬁ" is "fi"), combining marks dropped
   ("eglise" finds "Église", "dang" finds "Đặng"), lower case, the letters
   that do not decompose spelt as French users type them ("coeur" finds
   "Cœur", "aeschne" finds "æschne", "strasse" finds "Straße", "lodz" finds
   "Łódź"), apostrophes as spaces. */
(function () {
  "use strict";
  var index = window.CARTO_INDEX || [];
  var root = "../";
  var LETTERS = { "œ": "oe", "æ": "ae", "ß": "ss", "ø": "o", "ł": "l", "đ": "d", "ð": "d",
    "ı": "i", "þ": "th", "ħ": "h", "ŋ": "n" };
  function norm(s) {
    return (s || "").normalize("NFKD")
      .replace(/[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]/g, "")
      .toLowerCase().replace(/[œæßøłđðıþħŋ]/g, function (c) { return LETTERS[c]; })
      .replace(/[’'`]/g, " ");
  }
  var prepared = index.map(function (e) {
    return { t: e[0], u: e[1], k: e[2], hay: norm(e[0] + " " + e[3] + " " + e[2]), title: norm(e[0]) };
  });
  function search(q) {
    var words = norm(q).split(/\s+/).filter(Boolean);
    if (!words.length) return [];
    var out = [];
    for (var i = 0; i < prepared.length && out.length < 200; i++) {
      var e = prepared[i], ok = true;
      for (var w = 0; w < words.length; w++)
        if (e.hay.indexOf(words[w]) < 0) { ok = false; break; }
      if (ok) out.push(e);
    }
    out.sort(function (a, b) {
      return (b.title.indexOf(words[0]) >= 0) - (a.title.indexOf(words[0]) >= 0);
    });
    return out;
  }
  function show(q) {
    var list = document.getElementById("search-results");
    var status = document.getElementById("search-status");
    list.textContent = "";
    if (!q) { status.textContent = ""; return; }
    var res = search(q);
    status.textContent = res.length === 0 ? "Aucun résultat pour « " + q + " »."
      : res.length + (res.length >= 200 ? "+" : "") + " résultat" + (res.length > 1 ? "s" : "") + " pour « " + q + " ».";
    res.forEach(function (e) {
      var li = document.createElement("li");
      var kind = document.createElement("span");
      kind.className = "kind";
      kind.textContent = e.k;
      var a = document.createElement("a");
      a.href = root + e.u;
      a.textContent = e.t;
      li.appendChild(kind);
      li.appendChild(a);
      list.appendChild(li);
    });
  }
  var input = document.getElementById("q");
  var q = new URLSearchParams(window.location.search).get("q") || "";
  input.value = q;
  show(q);
  input.addEventListener("input", function () {
    show(input.value);
    var url = new URL(window.location.href);
    url.searchParams.set("q", input.value);
    try { window.history.replaceState(null, "", url); } catch (err) { /* file:// */ }
  });
})();
