/* The parcours page with JavaScript: start the ladder at a level, keep one
   département, and choose a commune ("Près de…", assets/pres-de.js) and a
   public. Without it the page shows every step and every département.
   With a commune or a public, each step lists, from all its rows, those
   open to the public (open to all, or to that public) in the département
   kept, nearest the commune first with their distance, at most LISTED; a
   step with none says so. The rows come in pieces, one a département
   (html_parcours.c): the page says how many rows each step has in each
   piece for each public, so the script loads only the pieces it needs:
   the département kept; with a commune, the nearest pieces until each
   step's LISTED nearest are known; with a public alone, pieces in the
   list's order until each step has LISTED. The choice is kept in the URL
   (?depart=etape-cecrl-3&departement=93&pres=93066&public=femmes). */
(function () {
  "use strict";
  var form = document.getElementById("parcours-choix");
  if (!form) return;
  var LISTED = 10;
  var start = document.getElementById("parcours-depart");
  var dep = document.getElementById("parcours-departement");
  var pubSel = document.getElementById("parcours-public") || { value: "", options: [], addEventListener: function () {} };
  var field = document.getElementById("pres-de");
  var status = document.getElementById("parcours-statut");
  var near = window.CARTO_PRES_DE, place = null;
  var info = JSON.parse(document.getElementById("parcours-morceaux").textContent);
  var pieces = {}, loading = {};
  window.CARTO_PARCOURS = function (d, p) {
    if (pieces[d]) return;
    pieces[d] = p;
    apply(false);
  };
  function load(d) {
    if (pieces[d] || loading[d]) return;
    loading[d] = true;
    var s = document.createElement("script");
    s.src = info.dir + d + ".js";
    s.onerror = function () { status.textContent = "Les offres n'ont pas pu être chargées : rechargez la page."; };
    document.head.appendChild(s);
  }
  /* The nearest a piece's box can be from the commune. */
  function boxKm(p) {
    if (p[1] === null) return 0;
    return near.km(place.lat, place.lon, Math.min(Math.max(place.lat, p[1]), p[3]), Math.min(Math.max(place.lon, p[2]), p[4]));
  }
  /* How many rows of step id département d has for the public (index k
     into info.publics, -1 for any). */
  function count(id, d, k) {
    var c = (info.n[id] || {})[d];
    return c ? c[k + 1] : 0;
  }

  function label(sel) { return sel.options[sel.selectedIndex].textContent; }
  function plural(n, word) { return n + " " + word + (n > 1 ? "s" : ""); }

  /* The rows of a step for the choice from the pieces loaded, and whether
     they are enough: kept, then nearest first (the index's order between
     equals: the pieces' order, then the rows'); missing, the pieces to load. */
  function rowsOf(id, d, pub, missing) {
    var k = pub ? info.publics.indexOf(pub) : -1, out = [], total = 0, rest = [];
    info.deps.forEach(function (p, pi) {
      var n = (!d || p[0] === d) ? count(id, p[0], k) : 0;
      total += n;
      if (!n) return;
      var piece = pieces[p[0]];
      if (!piece) { rest.push(p); return; }
      (piece.e[id] || []).forEach(function (i, at) {
        var r = piece.r[i];
        if (pub && r[7].length && r[7].indexOf(k) < 0) return;
        out.push({ r: r, o: piece.o[r[0]], at: pi * 1e7 + at,
          km: place ? (r[5] === null ? Infinity : near.km(place.lat, place.lon, r[5], r[6])) : 0 });
      });
    });
    if (place) out.sort(function (a, b) { return a.km - b.km || a.at - b.at; });
    else out.sort(function (a, b) { return a.at - b.at; });
    /* Enough: every row, or LISTED of them that no piece left can beat. */
    if (rest.length && out.length < LISTED) {
      if (place) rest.sort(function (a, b) { return boxKm(a) - boxKm(b); });
      missing.push(rest[0][0]);
    } else if (rest.length && place) {
      rest.forEach(function (p) { if (boxKm(p) <= out[LISTED - 1].km) missing.push(p[0]); });
    } else if (rest.length) {
      var last = out[LISTED - 1].at;
      rest.forEach(function (p) { if (info.deps.indexOf(p) * 1e7 < last) missing.push(p[0]); });
    }
    out.total = total;
    return out;
  }

  /* The list of a step with a commune or a public, in place of its table. */
  function listStep(st, rows, pub) {
    var box = st.querySelector(".etape-choix");
    if (!box) {
      box = document.createElement("div");
      box.className = "etape-choix";
      st.appendChild(box);
    }
    box.textContent = "";
    var p = document.createElement("p"), who = pub ? " ouverte" + (rows.total > 1 ? "s" : "") + " au public « " + label(pubSel) + " »" : "";
    var where = dep.value ? " en " + label(dep).replace(/ \([0-9AB]+\)$/, "") : "";
    if (!rows.total) {
      p.textContent = "Aucune offre de cette étape" + (pub ? " pour le public « " + label(pubSel) + " »" : "") + where + ".";
      box.appendChild(p);
      return;
    }
    p.textContent = plural(rows.total, "offre") + who + where +
      (place ? (rows.total > LISTED ? " ; les " + LISTED + " plus proches de " + place.nom + ", de la plus proche à la plus lointaine"
        : ", de la plus proche à la plus lointaine de " + place.nom)
        : rows.total > LISTED ? " ; les " + LISTED + " premières (choisissez une commune pour voir les plus proches)" : "") + " :";
    box.appendChild(p);
    var ol = document.createElement("ol");
    ol.className = "etape-offres";
    rows.slice(0, LISTED).forEach(function (x) {
      var li = document.createElement("li"), a = document.createElement("a"), r = x.r, o = x.o;
      li.setAttribute("data-offre", r[1]);
      a.href = form.getAttribute("data-racine") + o[1] + "#offre-" + r[1];
      a.textContent = r[2];
      li.appendChild(a);
      li.appendChild(document.createTextNode(" – " + o[0] + ", " + r[3]));
      if (place) {
        var s = document.createElement("span");
        s.className = "distance";
        s.textContent = x.km === Infinity ? "distance inconnue" : "à " + near.kmText(x.km);
        li.appendChild(document.createTextNode(" "));
        li.appendChild(s);
      }
      ol.appendChild(li);
    });
    box.appendChild(ol);
  }

  function apply(push) {
    var from = start.value, d = dep.value, pub = pubSel.value, steps = 0, empty = 0;
    var listing = !!(place || pub);
    if (push) {
      var q = new URLSearchParams();
      if (from) q.append("depart", from);
      if (d) q.append("departement", d);
      if (place) q.append("pres", place.code);
      if (pub) q.append("public", pub);
      q = q.toString();
      try { history.replaceState(null, "", location.pathname + (q ? "?" + q : "")); } catch (e) { /* file:// */ }
    }
    var first = from ? document.getElementById(from) : null;
    var scale = first ? first.closest(".echelle") : null;
    /* The steps shown: from the starting level, on its scale. */
    var shown = [];
    document.querySelectorAll(".echelle").forEach(function (sec) {
      var reached = !first;
      sec.querySelectorAll(".etape").forEach(function (st) {
        if (st === first) reached = true;
        if ((!scale || sec === scale) && reached) shown.push(st);
      });
    });
    /* With a commune or a public, the rows they need, once loaded. */
    var lists = {}, missing = [];
    if (listing) shown.forEach(function (st) { lists[st.id] = rowsOf(st.id, d, pub, missing); });
    if (missing.length) {
      missing.forEach(load);
      status.textContent = "Chargement des offres…";
      return;
    }
    document.querySelectorAll(".echelle").forEach(function (sec) {
      var any = false;
      sec.querySelectorAll(".etape").forEach(function (st) {
        var n = 0, show, on = shown.indexOf(st) >= 0;
        st.querySelectorAll("tr[data-departement]").forEach(function (tr) {
          var keep = !d || tr.getAttribute("data-departement") === d;
          tr.hidden = !keep;
          if (keep) n++;
        });
        var table = st.querySelector("table"), box = st.querySelector(".etape-choix");
        table.hidden = listing;
        if (box) box.hidden = !listing;
        if (listing && on) {
          listStep(st, lists[st.id], pub);
          if (!lists[st.id].total) empty++;
          show = true;
        } else show = on && n > 0;
        st.hidden = !show;
        if (show) { steps++; any = true; }
      });
      sec.hidden = !any;
    });
    status.textContent = !steps ? "Aucune étape pour ce choix." : plural(steps, "étape") + " affichée" + (steps > 1 ? "s" : "") +
      (place ? ", les offres les plus proches de " + place.nom + " d'abord" : "") +
      (pub ? ", pour le public « " + label(pubSel) + " »" : "") +
      (empty ? " ; " + (empty > 1 ? empty + " étapes n'ont" : "une étape n'a") + " aucune offre pour ce choix" : "") + ".";
  }

  var params = new URLSearchParams(location.search);
  if (params.get("depart") && document.getElementById(params.get("depart"))) start.value = params.get("depart");
  if (params.get("departement")) dep.value = params.get("departement");
  Array.prototype.forEach.call(pubSel.options, function (o) { if (o.value && o.value === params.get("public")) pubSel.value = o.value; });
  /* A theme's own template may not load pres-de.js: no field then. */
  var combo = near && field ? near.combobox(field, document.getElementById("pres-de-liste"),
    function (c, byUser) { place = c; apply(byUser); },
    function () { if (place) { place = null; apply(true); } }) : null;
  if (field && !combo) field.closest(".pres-de").hidden = true;
  form.hidden = false;
  start.addEventListener("change", function () { apply(true); });
  dep.addEventListener("change", function () { apply(true); });
  pubSel.addEventListener("change", function () { apply(true); });
  form.addEventListener("submit", function (e) { e.preventDefault(); apply(true); });
  if (params.get("pres") && combo) combo.restore(params.get("pres"));
  apply(false);
})();
