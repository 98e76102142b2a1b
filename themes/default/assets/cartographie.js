/* carto cartographies: instant filtering of the offers with the facets, and
   "Près de…". Without JavaScript the page keeps its complete list, grouped by
   département and commune. With it, the facets appear; ticking values filters
   the list and the map's markers together (any value inside a facet, every
   facet), each value shows how many offers it would give, and the state lives
   in the URL (?departement=93&types=asl&pres=93008&rayon=5) so that a link can
   be sent. A marker takes the colour of the types of its offers shown, and
   assets/reperes.js (loaded first) merges the markers shown whose targets
   would overlap at the map's scale, named by this script. "Près de…" takes
   a commune of the territory (name or postcode, accents, case and "st" set
   aside), sorts the offers by great-circle distance from its centre, and
   keeps those within the radius chosen (the field, its communes and the
   distance: assets/pres-de.js, loaded first).
   A large view lists communes only: its rows come in pieces, one a
   département (html_carto.c, piece_json), loaded by script elements as the
   view narrows, and what its list shows of them in runs of rows, loaded for
   the rows shown; the counts of its first screen are written in the page. */
(function () {
  "use strict";
  var form = document.getElementById("facettes");
  if (!form) return;
  var cards = Array.prototype.slice.call(document.querySelectorAll("li.card[data-departement]"));
  var fieldsets = Array.prototype.slice.call(form.querySelectorAll("fieldset[data-facette]"));
  var names = fieldsets.map(function (f) { return f.getAttribute("data-facette"); });
  var info = document.getElementById("carto-morceaux");
  info = info ? JSON.parse(info.textContent) : null;
  var root = (document.querySelector("link[rel=stylesheet]").getAttribute("href") || "").replace(/assets\/[^/]*$/, "");
  /* carto's markers (not the groups assets/reperes.js makes of them on a
     small screen). */
  var markers = Array.prototype.slice.call(document.querySelectorAll("svg.map a[data-cards]:not(.regroupe)"));
  /* assets/reperes.js, loaded first; a theme's own template written before
     it loads it after: the page starts once every script has run. Without
     it, markers are not merged and name their organisations in full. */
  var reperes = window.CARTO_REPERES;
  function plain() {
    return { list: function (v) { return v.join(", "); }, regroup: function () {}, mixed: "#1e1e1e" };
  }
  var status = document.getElementById("facettes-statut");
  var field = document.getElementById("pres-de"), box = document.getElementById("pres-de-liste");
  var radiusSel = document.getElementById("rayon");

  /* "r3 r7-r12": the ids of a marker's cards. */
  function expand(attr) {
    var ids = [];
    attr.split(" ").forEach(function (t) {
      var m = /^r(\d+)(?:-r(\d+))?$/.exec(t);
      if (!m) return;
      for (var i = +m[1], e = m[2] ? +m[2] : i; i <= e; i++) ids.push("r" + i);
    });
    return ids;
  }
  markers.forEach(function (m) {
    m.cartoIds = expand(m.getAttribute("data-cards"));
    var t = m.querySelector("text");
    m.cartoCircle = m.querySelector("circle.marker");
    m.cartoFirst = [m.getAttribute("aria-label"), t ? t.textContent : "", m.getAttribute("href"),
      m.cartoCircle.getAttribute("fill")];
  });
  /* Each type's colour, as carto paints it ("*": no known type). */
  var colours = {}, legend = document.querySelector("ul.legend[data-couleurs]");
  if (legend) legend.getAttribute("data-couleurs").replace(/(\S+) (\S+)/g, function (all, code, c) { colours[code] = c; });

  /* The rows: one object each, {id, facet: [codes], lat, lon, then the card
     or what a large view's list shows}. */
  var data = info ? [] : cards.map(function (c) {
    var d = { id: c.id, card: c }, g = (c.getAttribute("data-geo") || "").split(" ");
    names.forEach(function (n) { d[n] = (c.getAttribute("data-" + n) || "").split(" ").filter(Boolean); });
    d.lat = +g[0];
    d.lon = +g[1];
    d.typeList = (c.getAttribute("data-types") || "").split(" ").filter(Boolean);
    var org = c.querySelector("p:not(.card-title) a"), ul = c.parentNode, h = ul && ul.previousElementSibling;
    d.org = org ? org.textContent : "";
    d.commune = h && h.tagName === "H4" ? h.textContent : "";
    return d;
  });
  var byId = {};
  data.forEach(function (d) { byId[d.id] = d; });
  var total = info ? info.deps.reduce(function (s, p) { return s + p[2]; }, 0) : data.length;
  var loaded = {}, loading = {};
  window.CARTO_PIECE = function (dep, p) {
    var at = null;
    info.deps.forEach(function (x) { if (x[0] === dep) at = x; });
    if (!at || loaded[dep]) return;
    var lieu = 0, org = 0, lat = [], lon = [], y = 0, x = 0, i, rows = [];
    for (i = 0; i < p.lat.length; i++) {
      lat.push((y += p.lat[i]) / 1e5);
      lon.push((x += p.lon[i]) / 1e5);
    }
    for (i = 0; i < p.lieu.length; i++) {
      lieu += p.lieu[i];
      org += p.org[i];
      var d = { id: "r" + (at[1] + i), departement: [dep], lat: lat[lieu], lon: lon[lieu], orgNo: org,
        commune: p.c[p.lc[lieu]], dep: dep, k: i };
      for (var n in info.valeurs) d[n] = decode(p.f[n][i], info.valeurs[n]);
      data.push(d);
      rows.push(d);
      byId[d.id] = d;
    }
    loaded[dep] = rows;
    update(true);
  };
  /* A run of a piece's rows: what the list shows of them. */
  var blocs = {}, orgNames = {};
  window.CARTO_BLOC = function (dep, k, b) {
    var rows = loaded[dep];
    if (!rows || blocs[dep + "-" + k]) return;
    b.oi.forEach(function (no, i) { orgNames[dep + "-" + no] = [b.o[i], b.oid[i]]; });
    for (var i = 0; i < b.titre.length && k * info.bloc + i < rows.length; i++) {
      var d = rows[k * info.bloc + i], o = orgNames[dep + "-" + d.orgNo];
      d.title = b.t[b.titre[i]];
      d.org = o[0];
      d.url = root + "organismes/" + o[1] + "/index.html#offre-" + b.offre[i];
    }
    blocs[dep + "-" + k] = true;
    update(false);
  };
  /* A facet's cell of a piece: a mask over the dictionary, or a list. */
  function decode(cell, codes) {
    var out = [];
    if (typeof cell !== "number") {
      cell.forEach(function (k) { out.push(codes[k]); });
      return out;
    }
    for (var k = 0; cell > 0; k++, cell = Math.floor(cell / 2))
      if (cell % 2) out.push(codes[k]);
    return out;
  }

  /* A large view knows the names of the organisations of the rows it has
     shown; a marker holding others counts them. Named as carto names a
     marker (html_carto.c, spot_label; the list of names is reperes.js's). */
  function markerName(ids) {
    var orgs = [], coms = [], keys = {}, nkeys = 0, seen = {}, unnamed = false;
    ids.forEach(function (id) {
      var w = byId[id] || { org: "", commune: "" }, key = "$" + (w.card ? w.org : w.dep + "-" + w.orgNo);
      if (!keys[key]) {
        keys[key] = true;
        nkeys++;
        if (w.org === undefined) unnamed = true;
        else orgs.push(w.org);
      }
      if (w.commune && !seen["$" + w.commune]) {
        seen["$" + w.commune] = true;
        coms.push(w.commune);
      }
    });
    var who = unnamed ? nkeys + " organisme" + (nkeys > 1 ? "s" : "") : reperes.list(orgs, 12, "organismes");
    return who + (coms.length ? ", " + reperes.list(coms, 3, "communes") : "") +
      " : " + ids.length + " offre" + (ids.length > 1 ? "s" : "");
  }
  /* The colour of a marker's rows: their type's when they have one (the
     first of each row's types that is chosen, or its first when none is),
     the dark one of several types otherwise; null when a row's types are
     not known (a large view whose facets leave them out). */
  function colourOf(ids, chosen) {
    var type = null;
    for (var i = 0; i < ids.length; i++) {
      var d = byId[ids[i]], tl = d && (d.typeList || d.types), t = undefined;
      if (!tl) return null;
      for (var k = 0; k < tl.length && t === undefined; k++) if (!chosen.length || chosen.indexOf(tl[k]) >= 0) t = tl[k];
      t = t === undefined ? (tl[0] || "*") : t;
      if (type !== null && type !== t) return reperes.mixed;
      type = t;
    }
    return colours[type] || colours["*"] || null;
  }
  /* The name of a group that reperes.js makes of markers: that of their
     shown offers, in the list's order; carto's markers' own names (null)
     on a large view's first screen, whose rows are not loaded. */
  var firstScreen = false;
  function nommer(atoms) {
    if (firstScreen) return null;
    var rows = [];
    atoms.forEach(function (m) {
      (m.cartoShown || m.cartoIds).forEach(function (id) { rows.push(+id.slice(1)); });
    });
    rows.sort(function (a, b) { return a - b; });
    return markerName(rows.map(function (r) { return "r" + r; }));
  }

  /* ---- "Près de…": the field and the distance (assets/pres-de.js) ---- */
  /* A theme's own template written before pres-de.js existed does not load
     it: the facets work, without the field. */
  var near = window.CARTO_PRES_DE, km = near && near.km, kmText = near && near.kmText, place = null, combo = null;
  if (field && !near) {
    field.closest(".pres-de").hidden = true;
    field = null;
  }
  /* The nearest a box (a piece's lieux) can be from a point. */
  function boxKm(p, lat, lon) {
    return km(lat, lon, Math.min(Math.max(lat, p[3]), p[5]), Math.min(Math.max(lon, p[4]), p[6]));
  }

  if (field) {
    combo = near.combobox(field, box, function (c, byUser) { place = c; update(byUser); },
      function () { if (place) { place = null; update(true); } });
    radiusSel.addEventListener("change", function (e) { e.stopPropagation(); update(true); });
  }

  /* ---- filtering ---- */
  function selected() {
    var s = {};
    names.forEach(function (n) {
      s[n] = Array.prototype.slice.call(form.querySelectorAll("input[name='" + n + "']:checked"))
        .map(function (i) { return i.value; });
    });
    return s;
  }
  function radius() { return place && radiusSel && radiusSel.value ? +radiusSel.value : 0; }
  function matches(d, sel, skip) {
    for (var k = 0; k < names.length; k++) {
      var n = names[k];
      if (n === skip || sel[n].length === 0) continue;
      if (!sel[n].some(function (v) { return d[n].indexOf(v) >= 0; })) return false;
    }
    return !place || !radius() || d.km <= radius();
  }
  /* A large view's pieces this choice needs: the départements ticked, those
     the radius reaches, or all of them; none before any choice. */
  function needed(sel, any) {
    if (!info || !any) return [];
    return info.deps.filter(function (p) {
      if (sel.departement && sel.departement.length && sel.departement.indexOf(p[0]) < 0) return false;
      return !radius() || boxKm(p, place.lat, place.lon) <= radius() + 0.1;
    }).map(function (p) { return p[0]; });
  }
  /* Loads the files named (pieces "93", runs "93-2") not loaded yet;
     returns true when all are. */
  function load(names, done) {
    var missing = names.filter(function (d) { return !done[d]; });
    missing.forEach(function (d) {
      if (loading[d]) return;
      loading[d] = true;
      var s = document.createElement("script");
      s.src = info.dir + d + ".js";
      s.onerror = function () { status.textContent = "Les offres n'ont pas pu être chargées : rechargez la page."; };
      document.head.appendChild(s);
    });
    return missing.length === 0;
  }

  /* Large views: the matching rows, 200 at most, as simple cards. */
  function renderRows(hits, any) {
    var res = document.getElementById("carto-resultats"), ol = document.getElementById("carto-liste");
    document.getElementById("carto-sommaire").hidden = any;
    res.hidden = !any;
    ol.textContent = "";
    if (!any) return;
    var shown = hits.slice(0, 200), runs = {};
    shown.forEach(function (d) { runs[d.dep + "-" + Math.floor(d.k / info.bloc)] = true; });
    if (!load(Object.keys(runs), blocs)) return;
    shown.forEach(function (d) {
      var li = document.createElement("li"), p = document.createElement("p"), a = document.createElement("a");
      li.className = "card";
      li.id = d.id;
      p.className = "card-title";
      a.href = d.url;
      a.textContent = d.title;
      p.appendChild(a);
      var q = document.createElement("p");
      q.textContent = d.org + " – " + d.commune;
      li.appendChild(p);
      li.appendChild(q);
      if (place) li.appendChild(distanceLine(d));
      ol.appendChild(li);
    });
    document.getElementById("carto-plus").textContent = hits.length > 200 ?
      "Les 200 premières sur " + hits.length + " sont affichées : affinez la recherche, ou ouvrez la page d'un département." : "";
  }
  function distanceLine(d) {
    var p = document.createElement("p");
    p.className = "distance";
    p.textContent = "À " + kmText(d.km) + " de " + place.nom;
    return p;
  }
  /* Small views: with a place, the cards leave their communes for one list,
     nearest first; without, they go back. */
  var homes = cards.map(function (c) { return c.parentNode; }), flat = null;
  function arrange(sorted) {
    cards.forEach(function (c) {
      var old = c.querySelector("p.distance");
      if (old) old.parentNode.removeChild(old);
    });
    if (!sorted) {
      if (flat) {
        cards.forEach(function (c, i) { homes[i].appendChild(c); });
        flat.parentNode.removeChild(flat);
        flat = null;
      }
      return;
    }
    if (!flat) {
      flat = document.createElement("ol");
      flat.className = "cards";
      flat.id = "carto-proches";
      var first = document.querySelector("section[aria-labelledby^='d-']");
      if (first) first.parentNode.insertBefore(flat, first);
    }
    sorted.forEach(function (d) {
      d.card.appendChild(distanceLine(d));
      flat.appendChild(d.card);
    });
  }

  /* The filters in words, for the printed list: "Seine-Saint-Denis, ASL,
     gratuit, à moins de 5 km de Bobigny". */
  var months = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
    "octobre", "novembre", "décembre"];
  function sentence(sel) {
    var parts = [];
    fieldsets.forEach(function (f) {
      var n = f.getAttribute("data-facette"), words = [];
      sel[n].forEach(function (v) {
        var input = form.querySelector("input[name='" + n + "'][value='" + v.replace(/'/g, "") + "']");
        var label = input && form.querySelector("label[for='" + input.id + "']");
        if (!label) return;
        var t = label.cloneNode(true), c = t.querySelector(".count");
        if (c) t.removeChild(c);
        words.push(t.textContent.trim().replace(n === "departement" ? / \([0-9AB]+\)$/ : /$^/, ""));
      });
      if (words.length) parts.push(words.join(" ou "));
    });
    if (place) parts.push(radius() ? "à moins de " + radius() + " km de " + place.nom : "par distance de " + place.nom);
    var now = new Date(), day = now.getDate();
    return "Sélection : " + (parts.length ? parts.join(", ") : "toutes les offres") + ". Liste du " +
      (day === 1 ? "1er" : day) + " " + months[now.getMonth()] + " " + now.getFullYear() + ".";
  }

  var firstCounts = Array.prototype.map.call(form.querySelectorAll(".count"), function (s) { return s.textContent; });
  function update(updateUrl) {
    var sel = selected(), any = !!place || names.some(function (n) { return sel[n].length > 0; });
    if (updateUrl) {
      var params = new URLSearchParams();
      names.forEach(function (n) { sel[n].forEach(function (v) { params.append(n, v); }); });
      if (place) params.append("pres", place.code);
      if (place && radius()) params.append("rayon", String(radius()));
      var q = params.toString();
      try { window.history.replaceState(null, "", q ? "?" + q : window.location.pathname); } catch (e) { /* file:// */ }
    }
    document.getElementById("selection-imprimee").textContent = sentence(sel);
    /* The départements' counts are those of every offer: a filtered
       selection prints without them (style.css). */
    var byDep = document.getElementById("par-departement");
    if (byDep) byDep.classList.toggle("filtree", any);
    if (!load(needed(sel, any), loaded)) {
      status.textContent = "Chargement des offres…";
      return;
    }
    apply(sel, any);
  }

  function apply(sel, any) {
    var hits = [], visible = {};
    data.forEach(function (d) {
      d.km = place ? km(place.lat, place.lon, d.lat, d.lon) : 0;
      var ok = (!info || any) && matches(d, sel, null);
      if (d.card) d.card.hidden = !ok;
      if (ok) { hits.push(d); visible[d.id] = true; }
    });
    if (place) hits.sort(function (a, b) { return a.km - b.km || a.id.slice(1) - b.id.slice(1); });
    if (info) renderRows(hits, any);
    else arrange(place ? hits : null);
    /* Communes and départements with nothing left are hidden too. */
    if (!info) Array.prototype.forEach.call(document.querySelectorAll("ul.cards"), function (ul) {
      var some = !place && Array.prototype.some.call(ul.children, function (li) { return !li.hidden; });
      ul.hidden = !some;
      var h = ul.previousElementSibling;
      if (h && h.tagName === "H4") h.hidden = !some;
    });
    if (!info) Array.prototype.forEach.call(document.querySelectorAll("section[aria-labelledby^='d-']"), function (s) {
      s.hidden = !s.querySelector("li.card:not([hidden])");
    });
    /* A marker counts, names and links to its offers that are shown; before
       any choice, a large view's markers are as carto drew them. */
    firstScreen = info && !any;
    markers.forEach(function (m) {
      var t = m.querySelector("text");
      if (firstScreen) {
        m.style.display = "";
        m.setAttribute("aria-label", m.cartoFirst[0]);
        if (t) t.textContent = m.cartoFirst[1];
        m.setAttribute("href", m.cartoFirst[2]);
        m.cartoCircle.setAttribute("fill", m.cartoFirst[3]);
        m.removeAttribute("data-visibles");
        m.cartoShown = null;
        return;
      }
      var ids = m.cartoIds.filter(function (id) { return visible[id]; }), n = ids.length;
      m.style.display = n ? "" : "none";
      if (t) t.textContent = n > 1 ? String(n) : "";
      m.setAttribute("data-visibles", String(n));
      m.cartoShown = ids;
      if (!n) return;
      m.setAttribute("aria-label", info && n === m.cartoIds.length ? m.cartoFirst[0] : markerName(ids));
      if ((m.getAttribute("href") || "").charAt(0) === "#") m.setAttribute("href", "#" + ids[0]);
      m.cartoCircle.setAttribute("fill", colourOf(ids, sel.types || []) || m.cartoFirst[3]);
    });
    /* On a small screen, markers whose targets would overlap are merged. */
    reperes.regroup();
    /* How many offers each value would give, the other facets kept. A
       département whose piece is not loaded is counted only before any
       other choice (its count is then the page's). */
    var counts = form.querySelectorAll(".count"), ci = 0;
    fieldsets.forEach(function (f) {
      var n = f.getAttribute("data-facette"), per = {};
      var others = !!place || names.some(function (o) { return o !== n && sel[o].length > 0; });
      /* One pass over the rows a facet's values would give: those matching
         every other facet. */
      if (!info || others)
        for (var i = 0; i < data.length; i++)
          if (matches(data[i], sel, n))
            data[i][n].forEach(function (v, k, all) { if (all.indexOf(v) === k) per[v] = (per[v] || 0) + 1; });
      Array.prototype.forEach.call(f.querySelectorAll("input"), function (input) {
        var span = counts[ci], first = firstCounts[ci++];
        if (info && !others) { span.textContent = first; return; }
        if (info && n === "departement" && !loaded[input.value]) { span.textContent = ""; return; }
        span.textContent = "(" + (per[input.value] || 0) + ")";
      });
    });
    var shown = info && !any ? total : hits.length;
    status.textContent = shown + " offre" + (shown > 1 ? "s" : "") + " sur " + total + " correspond" +
      (shown > 1 ? "ent" : "") + " aux critères" + (place ? (radius() ? ", à moins de " + radius() + " km de " + place.nom : "") +
      ", de la plus proche à la plus lointaine de " + place.nom : "") + ".";
  }

  /* The state of a link that was sent. */
  var params = new URLSearchParams(window.location.search);
  names.forEach(function (n) {
    params.getAll(n).forEach(function (v) {
      var input = form.querySelector("input[name='" + n + "'][value='" + v.replace(/'/g, "") + "']");
      if (input) input.checked = true;
    });
  });
  if (radiusSel && /^(2|5|10|20)$/.test(params.get("rayon") || "")) radiusSel.value = params.get("rayon");
  form.hidden = false;
  var skip = document.getElementById("saut-filtres");
  if (skip) skip.hidden = false;
  form.addEventListener("change", function (e) { if (e.target !== field) update(true); });
  form.addEventListener("submit", function (e) { e.preventDefault(); });
  form.addEventListener("reset", function () {
    place = null;
    window.setTimeout(function () { update(true); }, 0);
  });
  var print = document.getElementById("imprimer");
  if (print) print.addEventListener("click", function () { update(false); window.print(); });
  window.addEventListener("beforeprint", function () { document.getElementById("selection-imprimee").textContent = sentence(selected()); });
  if (params.get("pres") && combo) combo.restore(params.get("pres"));
  function start() {
    reperes = window.CARTO_REPERES || plain();
    reperes.nommer = nommer;
    update(false);
  }
  if (reperes) start();
  else document.addEventListener("DOMContentLoaded", start);
})();
