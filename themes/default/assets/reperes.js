// The markers of the maps keep their size in CSS pixels whatever the scale
// of the drawing (style.css): this sets --k, the CSS pixels per unit of the
// drawing, on each map from its size on the page (the viewBox is fitted
// whole, so the smaller of the two ratios), and again when that size changes.
//
// carto groups markers at the drawing's sizes (html_carto.c, spread_apart);
// shown small, on a phone, their targets (24 × 24 CSS px at least) would
// cover one another. So at the scale measured, markers whose targets, or
// drawn circles, would overlap (their boxes: a target is a square for WCAG
// 2.5.8) are merged into a group, as carto merges them: again and again,
// each group at the mean of the markers it holds and looked at anew each
// time it grows, on a grid, until no two overlap. A group is a link made
// here, in the place of its first marker (so the focus order keeps the
// list's), to the first offer of its markers; it is drawn like carto's
// (count, colour, or the dark one of several types) and named like them:
// every organisation up to twelve, else eleven and "et N autres
// organismes". The markers it holds are kept, hidden (display="none"), so
// that a wider map shows them again. The names come from
// assets/cartographie.js when it runs (CARTO_REPERES.nommer, from the
// offers it shows), else from the markers' own names (data-noms gives the
// lengths of the names they hold). Without JavaScript, carto's grouping
// stays.
(function () {
  "use strict";
  var NS = "http://www.w3.org/2000/svg", MIXED = "#1e1e1e", MARGIN = 0.25;
  var maps = Array.prototype.slice.call(document.querySelectorAll("svg.map"));
  var api = { nommer: null, list: list, regroup: regroupAll, mixed: MIXED, ms: 0 };
  window.CARTO_REPERES = api;

  /* "A, B et C"; past max names, the first max - 1 and "et N autres …",
     as carto writes them (html_carto.c, names). total: how many names
     there are when v does not hold them all, a lower bound when atLeast
     ("et au moins N autres …"). */
  function list(v, max, what, total, atLeast) {
    var n = Math.max(v.length, total || 0), shown = Math.min(n > max ? max - 1 : n, v.length), s = "";
    for (var i = 0; i < shown; i++) s += (i ? (i + 1 === n ? " et " : ", ") : "") + v[i];
    if (shown === n) return s;
    return s + " et " + (atLeast ? "au moins " : "") + (n - shown) + " autres " + what;
  }

  /* The names a marker of carto holds, read out of its name with the
     lengths of data-noms ("12 30 +4/9 11"): {orgs, coms}, each {names,
     more: how many it counts without naming them}. */
  function held(a) {
    var label = a.getAttribute("aria-label") || "", spec = (a.getAttribute("data-noms") || "/").split("/"), pos = 0;
    function take(part, what) {
      var out = { names: [], more: 0 };
      part.split(" ").filter(Boolean).forEach(function (t, i) {
        if (t.charAt(0) === "+") {
          out.more = +t.slice(1);
          pos += (" et " + out.more + " autres " + what).length;
          return;
        }
        if (i) pos += label.charAt(pos) === "," ? 2 : 4;
        out.names.push(label.substr(pos, +t));
        pos += +t;
      });
      return out;
    }
    var o = take(spec[0], "organismes");
    if (spec[1]) pos += 2;
    return { orgs: o, coms: take(spec[1] || "", "communes") };
  }
  /* The union of the names of several markers' parts, and how many there
     are: exact when at most one part counts names it does not give and
     the others name none it lacks, else at least the most one part holds. */
  function union(parts, max, what) {
    var seen = {}, v = [], least = 0, counted = null, nCounted = 0;
    parts.forEach(function (p) {
      p.names.forEach(function (x) { if (!seen["$" + x]) { seen["$" + x] = 1; v.push(x); } });
      if (p.more) { nCounted++; counted = p; least = Math.max(least, p.names.length + p.more); }
    });
    if (nCounted === 1 && v.length === counted.names.length) return list(v, max, what, least, false);
    return list(v, max, what, least, nCounted > 0);
  }
  function nameFromMarkers(atoms, offers) {
    var hs = atoms.map(held);
    var who = union(hs.map(function (h) { return h.orgs; }), 12, "organismes");
    var where = union(hs.map(function (h) { return h.coms; }), 3, "communes");
    return who + (where ? ", " + where : "") + " : " + offers + " offre" + (offers > 1 ? "s" : "");
  }

  /* The half-sizes, in units of the drawing, the style sheet gives a
     single marker, a group, a large group, a target and a digit of a
     group's number, at the map's present scale; measured once a scale
     (the measure lays the page out). */
  function sizes(svg) {
    var k = svg.style.getPropertyValue("--k");
    if (svg.cartoSizes && svg.cartoSizes.k === k) return svg.cartoSizes;
    var g = document.createElementNS(NS, "g"), out = { k: k };
    g.setAttribute("visibility", "hidden");
    var cls = { one: "marker", group: "marker groupe", big: "marker groupe grand", hit: "hit" };
    var els = {};
    Object.keys(cls).forEach(function (k) {
      var c = document.createElementNS(NS, "circle");
      c.setAttribute("class", cls[k]);
      c.setAttribute("r", k === "hit" ? "12" : k === "one" ? "6.5" : k === "group" ? "9" : "11");
      g.appendChild(c);
      els[k] = c;
    });
    var t = document.createElementNS(NS, "text");
    t.setAttribute("class", "marker-count");
    t.textContent = "0000";
    g.appendChild(t);
    svg.appendChild(g);
    Object.keys(els).forEach(function (k) { out[k] = els[k].getBBox().width / 2; });
    var tb = t.getBBox();
    out.digit = tb.width / 4;
    out.textH = tb.height / 2;
    svg.removeChild(g);
    svg.cartoSizes = out;
    return out;
  }
  /* How far from its centre a marker reaches, its target included (the
     focus outline is 3 units wide). */
  function reach(sz, circleR, offers) {
    var text = offers > 1 ? Math.max(String(offers).length * sz.digit / 2, sz.textH) : 0;
    return Math.max(sz.hit, circleR + 1.5, text);
  }
  function offersOf(a) {
    var t = a.querySelector("text.marker-count");
    return t && +t.textContent > 1 ? +t.textContent : 1;
  }

  var scales = [];
  function regroup(svg) {
    var t0 = window.performance ? performance.now() : 0, sz = sizes(svg);
    /* The marker that has the focus, or the first of the group that has
       it, keeps it (or its new group does). */
    var had = svg.contains(document.activeElement) ? document.activeElement : null;
    var keep = had && had.cartoAtoms ? had.cartoAtoms[0] : had;
    Array.prototype.slice.call(svg.querySelectorAll("a.regroupe")).forEach(function (g) { svg.removeChild(g); });
    var atoms = Array.prototype.filter.call(svg.querySelectorAll("a"), function (a) {
      if (!a.querySelector("circle.marker")) return false;
      a.removeAttribute("display");
      return a.style.display !== "none";
    });
    if (!atoms.length) return;
    /* A map whose markers name offers of the page waits for
       cartographie.js to name its groups. */
    if (!api.nommer && !atoms.every(function (a) { return a.hasAttribute("data-noms"); })) return;
    var n = atoms.length, total = 0;
    var sx = [], sy = [], np = [], nr = [], up = [], gen = [], ext = [], nxt = [], tail = [];
    atoms.forEach(function (a, i) {
      var c = a.querySelector("circle.marker"), cl = c.getAttribute("class");
      sx[i] = +c.getAttribute("cx");
      sy[i] = +c.getAttribute("cy");
      np[i] = 1;
      nr[i] = offersOf(a);
      total += nr[i];
      up[i] = i;
      gen[i] = 0;
      nxt[i] = -1;
      tail[i] = i;
      var r = / grand/.test(cl) ? sz.big : / groupe/.test(cl) ? sz.group : sz.one;
      ext[i] = reach(sz, r, nr[i]);
    });
    var cell = 2 * Math.max(reach(sz, sz.big, total), Math.max.apply(null, ext)) + MARGIN;
    var cells = {};
    function key(g, dx, dy) {
      return (Math.floor(sx[g] / np[g] / cell) + dx) + ":" + (Math.floor(sy[g] / np[g] / cell) + dy);
    }
    function file(g) {
      var k = key(g, 0, 0);
      (cells[k] || (cells[k] = [])).push(g, gen[g]);
    }
    var queue = [];
    for (var i = 0; i < n; i++) { file(i); queue.push(i); }
    for (var q = 0; q < queue.length; q++) {
      var g = queue[q], o = -1;
      if (up[g] !== g) continue;
      var x = sx[g] / np[g], y = sy[g] / np[g];
      for (var dy = -1; dy <= 1; dy++)
        for (var dx = -1; dx <= 1; dx++) {
          var l = cells[key(g, dx, dy)];
          if (!l) continue;
          /* Stale entries (merged, or filed before a growth) go. */
          for (var r = 0, w = 0; r < l.length; r += 2) {
            var f = l[r];
            if (up[f] !== f || l[r + 1] !== gen[f]) continue;
            l[w++] = f;
            l[w++] = l[r + 1];
            var need = ext[g] + ext[f] + MARGIN;
            if (o < 0 && f !== g && Math.abs(x - sx[f] / np[f]) < need && Math.abs(y - sy[f] / np[f]) < need) o = f;
          }
          l.length = w;
        }
      if (o < 0) continue;
      up[o] = g;
      sx[g] += sx[o];
      sy[g] += sy[o];
      np[g] += np[o];
      nr[g] += nr[o];
      nxt[tail[g]] = o;
      tail[g] = tail[o];
      gen[g]++;
      ext[g] = reach(sz, nr[g] > 9 ? sz.big : sz.group, nr[g]);
      file(g);
      queue.push(g);
    }
    var shown = 0;
    for (g = 0; g < n; g++) {
      if (up[g] !== g) continue;
      shown++;
      if (np[g] < 2) continue;
      var members = [];
      for (var k = g; k >= 0; k = nxt[k]) members.push(k);
      members.sort(function (a, b) { return a - b; });
      draw(svg, members.map(function (m) { return atoms[m]; }), sx[g] / np[g], sy[g] / np[g], nr[g]);
    }
    if (keep && keep.getAttribute("display") === "none") keep = keep.cartoGroup;
    if (had && keep && keep !== had) keep.focus();
    /* The map's description counts the markers shown. */
    var desc = svg.querySelector("desc");
    if (desc) desc.textContent = desc.textContent.replace(/(regroupés?) en \d+ repères?/, function (m, r) {
      return r + " en " + shown + (shown > 1 ? " repères" : " repère");
    });
    if (t0) api.ms = performance.now() - t0;
  }

  /* A group of the markers atoms (in the page's order), at x, y. */
  function draw(svg, atoms, x, y, offers) {
    var a = document.createElementNS(NS, "a"), first = atoms[0];
    var fills = atoms.map(function (m) { return m.querySelector("circle.marker").getAttribute("fill"); });
    var fill = fills.every(function (f) { return f === fills[0]; }) ? fills[0] : MIXED;
    var name = api.nommer ? api.nommer(atoms) : null;
    a.setAttribute("class", "regroupe");
    a.cartoAtoms = atoms;
    a.setAttribute("href", first.getAttribute("href"));
    var cards = atoms.map(function (m) { return m.getAttribute("data-cards"); }).filter(Boolean);
    if (cards.length) a.setAttribute("data-cards", cards.join(" "));
    a.setAttribute("aria-label", name === null ? nameFromMarkers(atoms, offers) : name);
    var c = document.createElementNS(NS, "circle"), t = document.createElementNS(NS, "text");
    var hit = document.createElementNS(NS, "circle");
    c.setAttribute("class", "marker groupe" + (offers > 9 ? " grand" : ""));
    [c, hit].forEach(function (e) {
      e.setAttribute("cx", x.toFixed(1));
      e.setAttribute("cy", y.toFixed(1));
    });
    c.setAttribute("r", offers > 9 ? "11" : "9");
    c.setAttribute("fill", fill);
    t.setAttribute("x", x.toFixed(1));
    t.setAttribute("y", y.toFixed(1));
    t.setAttribute("dominant-baseline", "central");
    t.setAttribute("class", "marker-count");
    t.textContent = String(offers);
    hit.setAttribute("class", "hit");
    hit.setAttribute("r", "12");
    hit.setAttribute("fill-opacity", "0");
    a.appendChild(c);
    a.appendChild(t);
    a.appendChild(hit);
    first.parentNode.insertBefore(a, first);
    atoms.forEach(function (m) {
      m.setAttribute("display", "none");
      m.cartoGroup = a;
    });
  }

  function regroupAll() {
    var t0 = window.performance ? performance.now() : 0, ms = 0;
    maps.forEach(sizes);	/* before any map changes */
    maps.forEach(function (svg) { regroup(svg); ms += api.ms; });
    api.ms = t0 ? performance.now() - t0 : ms;
  }

  function measure() {
    for (var i = 0; i < maps.length; i++) {
      var vb = maps[i].viewBox.baseVal, r = maps[i].getBoundingClientRect();
      if (!(vb && vb.width && vb.height && r.width && r.height)) continue;
      var k = Math.min(r.width / vb.width, r.height / vb.height);
      if (Math.abs(k - (scales[i] || 0)) < 1e-4) continue;
      scales[i] = k;
      maps[i].style.setProperty("--k", String(k));
      regroup(maps[i]);
    }
  }
  measure();
  if (window.ResizeObserver) {
    var ro = new ResizeObserver(measure);
    for (var i = 0; i < maps.length; i++) ro.observe(maps[i]);
  } else {
    window.addEventListener("resize", measure);
  }
})();
