// The markers of the maps keep their size in CSS pixels whatever the scale
// of the drawing (style.css): this sets --k, the CSS pixels per unit of the
// drawing, on each map from its size on the page (the viewBox is fitted
// whole, so the smaller of the two ratios), and again when that size changes.
(function () {
  "use strict";
  var maps = document.querySelectorAll("svg.map");
  function measure() {
    for (var i = 0; i < maps.length; i++) {
      var vb = maps[i].viewBox.baseVal, r = maps[i].getBoundingClientRect();
      if (vb && vb.width && vb.height && r.width && r.height)
        maps[i].style.setProperty("--k", String(Math.min(r.width / vb.width, r.height / vb.height)));
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
