/* carto cartographies: instant filtering of the offers with the facets.
   Without JavaScript the page keeps its complete list, grouped by département
   and commune. With it, the facets appear; ticking values filters the list
   and the map's markers together (any value inside a facet, every facet), each
   value shows how many offers it would give, and the state lives in the URL
   (?departement=93&types=asl) so that a link can be sent. */
(function () {
  "use strict";
  var form = document.getElementById("facettes");
  if (!form) return;
  var cards = Array.prototype.slice.call(document.querySelectorAll("li.card[data-departement]"));
  var fieldsets = Array.prototype.slice.call(form.querySelectorAll("fieldset[data-facette]"));
  var names = fieldsets.map(function (f) { return f.getAttribute("data-facette"); });
  /* A large cartography lists communes only; its rows come from offres.js:
     [id, title, organisation, url, commune, then the ten facets' values]. */
  var rows = window.CARTO_ROWS || null;
  var columns = ["departement", "parcours", "types", "niveaux", "public", "financement", "cout",
    "garde_enfants", "horaires", "etat_recrutement"];
  var data = rows ? rows.map(function (r) {
    var d = { id: r[0] };
    names.forEach(function (n) { d[n] = (r[5 + columns.indexOf(n)] || "").split(" ").filter(Boolean); });
    return d;
  }) : cards.map(function (c) {
    var d = { id: c.id };
    names.forEach(function (n) { d[n] = (c.getAttribute("data-" + n) || "").split(" ").filter(Boolean); });
    return d;
  });
  var root = (document.querySelector("link[rel=stylesheet]").getAttribute("href") || "").replace(/assets\/[^/]*$/, "");
  var markers = Array.prototype.slice.call(document.querySelectorAll("svg.map a[data-cards]"));
  /* Who and where each offer is, for the markers' names: from the cards, or
     from the rows of a large view. */
  var who = {};
  if (rows) rows.forEach(function (r) { who[r[0]] = [r[2], r[4]]; });
  else cards.forEach(function (c) {
    var org = c.querySelector("p:not(.card-title) a"), ul = c.parentNode, h = ul && ul.previousElementSibling;
    who[c.id] = [org ? org.textContent : "", h && h.tagName === "H4" ? h.textContent : ""];
  });
  /* "A, B et C"; past max names, the first max - 1 and "et N autres …",
     as carto writes them (html_carto.c, spot_label). */
  function list(v, max, what) {
    var shown = v.length > max ? max - 1 : v.length, s = "";
    for (var i = 0; i < shown; i++) s += (i ? (i + 1 === v.length ? " et " : ", ") : "") + v[i];
    return shown < v.length ? s + " et " + (v.length - shown) + " autres " + what : s;
  }
  function markerName(ids) {
    var orgs = [], coms = [];
    ids.forEach(function (id) {
      var w = who[id] || ["", ""];
      if (orgs.indexOf(w[0]) < 0) orgs.push(w[0]);
      if (w[1] && coms.indexOf(w[1]) < 0) coms.push(w[1]);
    });
    return list(orgs, 4, "organismes") + (coms.length ? ", " + list(coms, 3, "communes") : "") +
      " : " + ids.length + " offre" + (ids.length > 1 ? "s" : "");
  }
  var status = document.getElementById("facettes-statut");

  function selected() {
    var s = {};
    names.forEach(function (n) {
      s[n] = Array.prototype.slice.call(form.querySelectorAll("input[name='" + n + "']:checked"))
        .map(function (i) { return i.value; });
    });
    return s;
  }
  function matches(d, sel, skip) {
    for (var k = 0; k < names.length; k++) {
      var n = names[k];
      if (n === skip || sel[n].length === 0) continue;
      if (!sel[n].some(function (v) { return d[n].indexOf(v) >= 0; })) return false;
    }
    return true;
  }
  /* Large views: the matching rows, 200 at most, as simple cards. */
  function renderRows(sel, any) {
    var box = document.getElementById("carto-resultats"), list = document.getElementById("carto-liste");
    document.getElementById("carto-sommaire").hidden = any;
    box.hidden = !any;
    list.textContent = "";
    if (!any) return;
    var shown = 0, total = 0;
    for (var i = 0; i < rows.length; i++) {
      if (!matches(data[i], sel, null)) continue;
      total++;
      if (shown >= 200) continue;
      shown++;
      var li = document.createElement("li"), p = document.createElement("p"), a = document.createElement("a");
      li.className = "card";
      p.className = "card-title";
      a.href = root + rows[i][3];
      a.textContent = rows[i][1];
      p.appendChild(a);
      var q = document.createElement("p");
      q.textContent = rows[i][2] + " – " + rows[i][4];
      li.appendChild(p);
      li.appendChild(q);
      list.appendChild(li);
    }
    document.getElementById("carto-plus").textContent = total > shown ?
      "Les " + shown + " premières sur " + total + " sont affichées : affinez la recherche, ou ouvrez la page d'un département." : "";
  }

  function apply(updateUrl) {
    var sel = selected(), shown = 0, visible = {};
    data.forEach(function (d, i) {
      var ok = matches(d, sel, null);
      if (cards[i]) cards[i].hidden = !ok;
      if (ok) { shown++; visible[d.id] = true; }
    });
    if (rows) renderRows(sel, names.some(function (n) { return sel[n].length > 0; }));
    /* Communes and départements with nothing left are hidden too. */
    if (!rows) Array.prototype.forEach.call(document.querySelectorAll("ul.cards"), function (ul) {
      var any = Array.prototype.some.call(ul.children, function (li) { return !li.hidden; });
      ul.hidden = !any;
      var h = ul.previousElementSibling;
      if (h && h.tagName === "H4") h.hidden = !any;
    });
    if (!rows) Array.prototype.forEach.call(document.querySelectorAll("section[aria-labelledby^='d-']"), function (s) {
      s.hidden = !s.querySelector("li.card:not([hidden])");
    });
    /* A marker counts, names and links to its offers that are shown. */
    markers.forEach(function (m) {
      var ids = m.getAttribute("data-cards").split(" ").filter(function (id) { return visible[id]; });
      var n = ids.length;
      m.style.display = n ? "" : "none";
      var t = m.querySelector("text");
      if (t) t.textContent = n > 1 ? String(n) : "";
      m.setAttribute("data-visibles", String(n));
      if (!n) return;
      m.setAttribute("aria-label", markerName(ids));
      if ((m.getAttribute("href") || "").charAt(0) === "#") m.setAttribute("href", "#" + ids[0]);
    });
    fieldsets.forEach(function (f) {
      var n = f.getAttribute("data-facette");
      Array.prototype.forEach.call(f.querySelectorAll("input"), function (input) {
        var count = 0;
        for (var i = 0; i < data.length; i++)
          if (data[i][n].indexOf(input.value) >= 0 && matches(data[i], sel, n)) count++;
        input.parentNode.querySelector(".count").textContent = "(" + count + ")";
      });
    });
    status.textContent = shown + " offre" + (shown > 1 ? "s" : "") + " sur " + data.length + " correspond" +
      (shown > 1 ? "ent" : "") + " aux critères.";
    if (updateUrl) {
      var params = new URLSearchParams();
      names.forEach(function (n) { sel[n].forEach(function (v) { params.append(n, v); }); });
      var q = params.toString();
      try { window.history.replaceState(null, "", q ? "?" + q : window.location.pathname); } catch (e) { /* file:// */ }
    }
  }
  /* The state of a link that was sent. */
  var params = new URLSearchParams(window.location.search);
  names.forEach(function (n) {
    params.getAll(n).forEach(function (v) {
      var input = form.querySelector("input[name='" + n + "'][value='" + v.replace(/'/g, "") + "']");
      if (input) input.checked = true;
    });
  });
  form.hidden = false;
  var skip = document.getElementById("saut-filtres");
  if (skip) skip.hidden = false;
  form.addEventListener("change", function () { apply(true); });
  form.addEventListener("submit", function (e) { e.preventDefault(); });
  form.addEventListener("reset", function () { window.setTimeout(function () { apply(true); }, 0); });
  apply(false);
})();
