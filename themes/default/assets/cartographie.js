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
  var data = cards.map(function (c) {
    var d = {};
    names.forEach(function (n) { d[n] = (c.getAttribute("data-" + n) || "").split(" ").filter(Boolean); });
    return d;
  });
  var markers = Array.prototype.slice.call(document.querySelectorAll("svg.map a[data-cards]"));
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
  function apply(updateUrl) {
    var sel = selected(), shown = 0, visible = {};
    cards.forEach(function (c, i) {
      var ok = matches(data[i], sel, null);
      c.hidden = !ok;
      if (ok) { shown++; visible[c.id] = true; }
    });
    /* Communes and départements with nothing left are hidden too. */
    Array.prototype.forEach.call(document.querySelectorAll("ul.cards"), function (ul) {
      var any = Array.prototype.some.call(ul.children, function (li) { return !li.hidden; });
      ul.hidden = !any;
      var h = ul.previousElementSibling;
      if (h && h.tagName === "H4") h.hidden = !any;
    });
    Array.prototype.forEach.call(document.querySelectorAll("section[aria-labelledby^='d-']"), function (s) {
      s.hidden = !s.querySelector("li.card:not([hidden])");
    });
    markers.forEach(function (m) {
      var ids = m.getAttribute("data-cards").split(" ");
      var n = ids.filter(function (id) { return visible[id]; }).length;
      m.style.display = n ? "" : "none";
      var t = m.querySelector("text");
      if (t) t.textContent = n > 1 ? String(n) : "";
      m.setAttribute("data-visibles", String(n));
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
    status.textContent = shown + " offre" + (shown > 1 ? "s" : "") + " sur " + cards.length + " correspond" +
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
  form.addEventListener("change", function () { apply(true); });
  form.addEventListener("submit", function (e) { e.preventDefault(); });
  form.addEventListener("reset", function () { window.setTimeout(function () { apply(true); }, 0); });
  apply(false);
})();
