/* The parcours page with JavaScript: start the ladder at a level, keep one
 * département. Without it the page shows every step and every département.
 * The choice is kept in the URL (?depart=etape-cecrl-3&departement=93). */
(function () {
  "use strict";
  var form = document.getElementById("parcours-choix");
  if (!form) return;
  var start = document.getElementById("parcours-depart");
  var dep = document.getElementById("parcours-departement");
  var status = document.getElementById("parcours-statut");

  function apply(push) {
    var from = start.value, d = dep.value, steps = 0, rows = 0;
    var first = from ? document.getElementById(from) : null;
    var scale = first ? first.closest(".echelle") : null;
    document.querySelectorAll(".echelle").forEach(function (sec) {
      var on = !scale || sec === scale, reached = !first;
      var any = false;
      sec.querySelectorAll(".etape").forEach(function (st) {
        if (st === first) reached = true;
        var n = 0;
        st.querySelectorAll("tr[data-departement]").forEach(function (tr) {
          var show = !d || tr.getAttribute("data-departement") === d;
          tr.hidden = !show;
          if (show) n++;
        });
        var show = on && reached && n > 0;
        st.hidden = !show;
        if (show) { steps++; rows += n; any = true; }
      });
      sec.hidden = !any;
    });
    status.textContent = steps ? steps + (steps > 1 ? " étapes" : " étape") + " affichée" + (steps > 1 ? "s" : "") + "."
      : "Aucune étape pour ce choix.";
    if (push) {
      var q = [];
      if (from) q.push("depart=" + encodeURIComponent(from));
      if (d) q.push("departement=" + encodeURIComponent(d));
      history.replaceState(null, "", location.pathname + (q.length ? "?" + q.join("&") : ""));
    }
  }

  var params = new URLSearchParams(location.search);
  if (params.get("depart") && document.getElementById(params.get("depart"))) start.value = params.get("depart");
  if (params.get("departement")) dep.value = params.get("departement");
  form.hidden = false;
  start.addEventListener("change", function () { apply(true); });
  dep.addEventListener("change", function () { apply(true); });
  form.addEventListener("submit", function (e) { e.preventDefault(); apply(true); });
  apply(false);
})();
