/* carto's "Près de…": the territory's communes (cartographies/communes.js,
   loaded when a field is first used), matched as one types (accents, case,
   hyphens and "st"/"ste" set aside; a postcode or a code_insee), in a
   WAI-ARIA 1.2 combobox with a listbox popup; and the great-circle distance.
   Shared by the cartography pages (cartographie.js) and the parcours pages
   (parcours.js), loaded before them. It defines:
     CARTO_PRES_DE.combobox(field, box, onChoose, onClear): makes the text
       field a combobox over the listbox box (options "<field id>-<n>");
       onChoose(commune, byUser) when a commune is chosen, onClear() when
       the field is emptied; returns {restore: function (code_insee)}, which
       chooses that commune once the communes are loaded (a link's state).
       A commune is {nom, code, dep, cp: [postcode, …], lat, lon, pop}.
     CARTO_PRES_DE.km(lat1, lon1, lat2, lon2): distance in km (haversine,
       R = 6371 km, as carto computes it: data/index_suites.c, geo_km);
     CARTO_PRES_DE.kmText(d): "1,2 km";
     CARTO_MATCH(text, max), CARTO_KM: the matching and the distance, for
       the tests;
     CARTO_COMMUNES(list): what communes.js calls. */
(function () {
  "use strict";
  var communes = null, started = false, waiting = [];
  /* Lower case, no accents or ligatures, words split on anything else;
     "st"/"ste" are "saint"/"sainte". */
  function fold(s) {
    return s.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase().replace(/œ/g, "oe")
      .replace(/æ/g, "ae").split(/[^a-z0-9]+/).filter(Boolean)
      .map(function (w) { return w === "st" ? "saint" : w === "ste" ? "sainte" : w; });
  }
  window.CARTO_COMMUNES = function (v) {
    communes = v.map(function (c) {
      return { nom: c[0], code: c[1], dep: c[2], cp: c[3] ? c[3].split(" ") : [], lat: c[4], lon: c[5],
        pop: c[6], words: fold(c[0]) };
    });
    waiting.splice(0).forEach(function (f) { f(); });
  };
  /* Loads the communes from src once; then() runs when they are here. */
  function load(src, then) {
    if (communes) { if (then) then(); return; }
    if (then) waiting.push(then);
    if (started) return;
    started = true;
    var s = document.createElement("script");
    s.src = src;
    document.head.appendChild(s);
  }
  /* The communes a text names, best first: the whole name, then the name's
     beginning, then a word's beginning (each word of the text begins the
     name's words in turn; the last one may be cut short); a number is a
     postcode's beginning or a code_insee, the most specific place first
     among equals (fewer postcodes: 75015 is Paris 15e Arrondissement
     before Paris, as 69003 is Lyon 3e before Lyon). At most max. */
  function match(text, max) {
    var q = fold(text), found = [];
    if (!q.length || !communes) return found;
    var digits = q.length === 1 && /^\d+$/.test(q[0]);
    communes.forEach(function (c) {
      var rank = -1;
      if (digits) {
        if (c.code === q[0]) rank = 0;
        else if (c.cp.some(function (p) { return p.indexOf(q[0]) === 0; })) rank = c.cp.indexOf(q[0]) >= 0 ? 0 : 1;
      } else {
        for (var i = 0; i + q.length <= c.words.length && rank < 0; i++) {
          var ok = true;
          for (var k = 0; k < q.length && ok; k++)
            ok = k + 1 < q.length ? c.words[i + k] === q[k] : c.words[i + k].indexOf(q[k]) === 0;
          if (ok) rank = i > 0 ? 2 : q.length === c.words.length && c.words[q.length - 1] === q[q.length - 1] ? 0 : 1;
        }
      }
      if (rank >= 0) found.push({ c: c, rank: rank });
    });
    found.sort(function (a, b) {
      return a.rank - b.rank || (digits ? a.c.cp.length - b.c.cp.length : 0) || b.c.pop - a.c.pop || (a.c.nom < b.c.nom ? -1 : a.c.nom > b.c.nom ? 1 : 0);
    });
    return found.slice(0, max).map(function (f) { return f.c; });
  }

  /* "Saint-Denis (93200)"; the département's code for a commune of several
     postcodes ("Paris (75)"), whose first one would name one district. */
  function label(c) { return c.nom + " (" + (c.cp.length === 1 ? c.cp[0] : c.dep) + ")"; }

  function km(lat1, lon1, lat2, lon2) {
    var r = Math.PI / 180, dlat = (lat2 - lat1) * r, dlon = (lon2 - lon1) * r;
    var h = Math.sin(dlat / 2) * Math.sin(dlat / 2) +
      Math.cos(lat1 * r) * Math.cos(lat2 * r) * Math.sin(dlon / 2) * Math.sin(dlon / 2);
    return 2 * 6371 * Math.asin(Math.sqrt(Math.min(1, h)));
  }
  function kmText(d) { return (Math.round(d * 10) / 10).toFixed(1).replace(".", ",") + " km"; }

  /* The combobox: arrow keys move in the list, Enter chooses, Escape
     closes the list, then empties the field. */
  function combobox(field, box, onChoose, onClear) {
    var options = [], active = -1, src = field.getAttribute("data-communes");
    function close() {
      box.hidden = true;
      field.setAttribute("aria-expanded", "false");
      field.removeAttribute("aria-activedescendant");
      active = -1;
    }
    function suggest() {
      options = match(field.value, 10);
      box.textContent = "";
      options.forEach(function (c, i) {
        var li = document.createElement("li");
        li.id = field.id + "-" + i;
        li.setAttribute("role", "option");
        li.setAttribute("aria-selected", "false");
        li.textContent = label(c);
        li.addEventListener("mousedown", function (e) { e.preventDefault(); });
        li.addEventListener("click", function () { choose(c, true); });
        box.appendChild(li);
      });
      if (!options.length) { close(); return; }
      box.hidden = false;
      field.setAttribute("aria-expanded", "true");
      activate(-1);
    }
    function activate(i) {
      active = i;
      Array.prototype.forEach.call(box.children, function (li, k) { li.setAttribute("aria-selected", k === i ? "true" : "false"); });
      if (i >= 0) {
        field.setAttribute("aria-activedescendant", field.id + "-" + i);
        box.children[i].scrollIntoView({ block: "nearest" });
      } else field.removeAttribute("aria-activedescendant");
    }
    function choose(c, byUser) {
      field.value = c.nom;
      close();
      onChoose(c, byUser);
    }
    /* Once loaded, what was typed meanwhile gets its suggestions. */
    function late() { if (field === document.activeElement && field.value) suggest(); }
    field.addEventListener("focus", function () { load(src, late); });
    field.addEventListener("input", function () {
      load(src, late);
      if (!field.value.trim()) onClear();
      suggest();
    });
    field.addEventListener("keydown", function (e) {
      if (e.key === "ArrowDown" || e.key === "ArrowUp") {
        if (box.hidden) suggest();
        if (!options.length) return;
        e.preventDefault();
        var n = options.length;
        activate(e.key === "ArrowDown" ? (active + 1) % n : (active <= 0 ? n : active) - 1);
      } else if (e.key === "Enter") {
        if (!box.hidden && options.length) {
          e.preventDefault();
          choose(options[active >= 0 ? active : 0], true);
        }
      } else if (e.key === "Escape") {
        if (!box.hidden) close();
        else { field.value = ""; onClear(); }
      }
    });
    field.addEventListener("blur", close);
    return {
      restore: function (code) {
        load(src, function () {
          communes.forEach(function (c) { if (c.code === code) choose(c, false); });
        });
      }
    };
  }

  window.CARTO_PRES_DE = { combobox: combobox, km: km, kmText: kmText };
  window.CARTO_MATCH = match;
  window.CARTO_KM = km;
})();
