/* The parcours page with JavaScript: start the ladder at a level, keep one
   département, and choose a commune ("Près de…", assets/pres-de.js) and a
   public. Without it the page shows every step and every département.
   With a commune or a public, each step lists, from all its rows (loaded
   once from the file the form names, html_parcours.c), those open to the
   public (open to all, or to that public) in the département kept, nearest
   the commune first with their distance, at most LISTED; a step with none
   says so. The choice is kept in the URL
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
  var near = window.CARTO_PRES_DE, place = null, data = null, loading = false;

  window.CARTO_PARCOURS = function (d) {
    data = d;
    apply(false);
  };
  function loadData() {
    if (data || loading) return;
    loading = true;
    var s = document.createElement("script");
    s.src = form.getAttribute("data-donnees");
    s.onerror = function () { status.textContent = "Les offres n'ont pas pu être chargées : rechargez la page."; };
    document.head.appendChild(s);
  }

  function label(sel) { return sel.options[sel.selectedIndex].textContent; }
  function plural(n, word) { return n + " " + word + (n > 1 ? "s" : ""); }

  /* The rows of a step for the choice: kept, then nearest first (the
     step's order, the index's, between equals). */
  function rowsOf(id, d, pub) {
    var k = pub ? data.publics.indexOf(pub) : -1, out = [];
    (data.e[id] || []).forEach(function (i, at) {
      var r = data.r[i];
      if (d && r[4] !== d) return;
      if (pub && r[7].length && r[7].indexOf(k) < 0) return;
      out.push({ r: r, at: at, km: place ? (r[5] === null ? Infinity : near.km(place.lat, place.lon, r[5], r[6])) : 0 });
    });
    if (place) out.sort(function (a, b) { return a.km - b.km || a.at - b.at; });
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
    var p = document.createElement("p"), who = pub ? " ouverte" + (rows.length > 1 ? "s" : "") + " au public « " + label(pubSel) + " »" : "";
    var where = dep.value ? " en " + label(dep).replace(/ \([0-9AB]+\)$/, "") : "";
    if (!rows.length) {
      p.textContent = "Aucune offre de cette étape" + (pub ? " pour le public « " + label(pubSel) + " »" : "") + where + ".";
      box.appendChild(p);
      return;
    }
    p.textContent = plural(rows.length, "offre") + who + where +
      (place ? (rows.length > LISTED ? " ; les " + LISTED + " plus proches de " + place.nom + ", de la plus proche à la plus lointaine"
        : ", de la plus proche à la plus lointaine de " + place.nom)
        : rows.length > LISTED ? " ; les " + LISTED + " premières (choisissez une commune pour voir les plus proches)" : "") + " :";
    box.appendChild(p);
    var ol = document.createElement("ol");
    ol.className = "etape-offres";
    rows.slice(0, LISTED).forEach(function (x) {
      var li = document.createElement("li"), a = document.createElement("a"), r = x.r, o = data.o[r[0]];
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
    if (listing && !data) {
      loadData();
      status.textContent = "Chargement des offres…";
      return;
    }
    var first = from ? document.getElementById(from) : null;
    var scale = first ? first.closest(".echelle") : null;
    document.querySelectorAll(".echelle").forEach(function (sec) {
      var on = !scale || sec === scale, reached = !first;
      var any = false;
      sec.querySelectorAll(".etape").forEach(function (st) {
        if (st === first) reached = true;
        var n = 0, show;
        st.querySelectorAll("tr[data-departement]").forEach(function (tr) {
          var keep = !d || tr.getAttribute("data-departement") === d;
          tr.hidden = !keep;
          if (keep) n++;
        });
        var table = st.querySelector("table"), box = st.querySelector(".etape-choix");
        table.hidden = listing;
        if (box) box.hidden = !listing;
        if (listing && on && reached) {
          var rows = rowsOf(st.id, d, pub);
          listStep(st, rows, pub);
          if (!rows.length) empty++;
          show = true;
        } else show = on && reached && n > 0;
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
