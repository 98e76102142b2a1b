// Markers on a phone (issue 16): with JavaScript, assets/reperes.js merges
// the markers whose targets would overlap at the map's measured scale.
// Exported for tests/browser.js; alone, prints the checks of one site:
// usage: node tests/carto_markers.js OUT [LABEL]
"use strict";
const fs = require("fs");
const path = require("path");

// What the page shows of its maps' markers: each shown link's box, the
// size of its number (its font size in the drawing times the drawing's
// scale), and the faults of the groups' names: a group counts its offers,
// and where the page lists them, names each organisation up to twelve,
// else eleven and "et N autres organismes".
async function look(page) {
  return page.evaluate(() => {
    const out = { maps: [], names: [] };
    for (const svg of document.querySelectorAll("svg.map")) {
      const k = svg.getScreenCTM().a, boxes = [];
      for (const a of svg.querySelectorAll("a")) {
        if (!a.querySelector("circle.marker")) continue;
        const r = a.getBoundingClientRect();
        if (!r.width) continue;
        const t = a.querySelector("text.marker-count");
        const font = t && t.textContent ? parseFloat(getComputedStyle(t).fontSize) * k : null;
        boxes.push({ l: r.left, t: r.top, r: r.right, b: r.bottom, font, group: a.classList.contains("regroupe") });
      }
      out.maps.push(boxes);
      for (const g of svg.querySelectorAll("a.regroupe")) {
        if (!g.getBoundingClientRect().width) continue;
        const label = g.getAttribute("aria-label"), n = +g.querySelector("text").textContent;
        if (!label.endsWith(" : " + n + " offre" + (n > 1 ? "s" : ""))) out.names.push(label + " (count " + n + ")");
        // Where the page has no list (a map in another page, a large
        // view's first screen), the names come from the markers' own:
        // every marker's first organisation is named, unless some are
        // counted.
        if (g.cartoAtoms && !/autres organismes/.test(label))
          for (const m of g.cartoAtoms) {
            const first = (m.getAttribute("data-noms") || "").split(/[ /]/)[0];
            const name = first ? m.getAttribute("aria-label").slice(0, +first) : "";
            if (name && !label.includes(name)) out.names.push(label.slice(0, 200) + " lacks " + name);
          }
        if (!g.hasAttribute("data-cards")) continue;
        const ids = g.getAttribute("data-cards").split(" ").flatMap((t) => {
          const m = /^r(\d+)(?:-r(\d+))?$/.exec(t), v = [];
          for (let i = +m[1]; i <= +(m[2] || m[1]); i++) v.push("r" + i);
          return v;
        }).filter((id) => document.getElementById(id) && !document.getElementById(id).hidden)
          .sort((a, b) => a.slice(1) - b.slice(1));    // the list's order
        if (!ids.length) continue;    // a large view: its rows come in pieces
        const orgs = [...new Set(ids.map((id) => document.getElementById(id).querySelector("p:not(.card-title) a").textContent))];
        const ok = ids.length === n && (orgs.length <= 12 ? orgs.every((o) => label.includes(o)) && !label.includes("autres organismes")
          : orgs.slice(0, 11).every((o) => label.includes(o)) && label.includes(" et " + (orgs.length - 11) + " autres organismes"));
        if (!ok) out.names.push(label.slice(0, 200) + " " + JSON.stringify(orgs.slice(0, 13)) + " " + ids.length);
      }
    }
    return out;
  });
}

// Pairs of boxes of one map that overlap (by more than a hundredth of a
// pixel), targets under 24 px, numbers under 11 px.
function faults(seen) {
  const f = { overlaps: 0, small: 0, fonts: 0, markers: 0, groups: 0, example: "" };
  for (const boxes of seen.maps) {
    f.markers += boxes.length;
    for (let i = 0; i < boxes.length; i++) {
      const a = boxes[i];
      if (a.group) f.groups++;
      if (a.r - a.l < 24 || a.b - a.t < 24) f.small++;
      if (a.font !== null && a.font < 11) f.fonts++;
      for (let j = i + 1; j < boxes.length; j++) {
        const b = boxes[j];
        if (a.l < b.r - 0.01 && b.l < a.r - 0.01 && a.t < b.b - 0.01 && b.t < a.b - 0.01) {
          if (!f.overlaps) f.example = JSON.stringify([a, b]);
          f.overlaps++;
        }
      }
    }
  }
  return f;
}

// For each page: at 320 and 375 px wide, no two targets overlap, each is
// 24 × 24 px at least, each number 11 px; groups are named as carto names
// them; widened to 1280 px, the groups split again (more markers shown)
// and still none overlaps.
async function phoneChecks(browser, report, dir, pages, label) {
  for (const [name, rel] of pages) {
    if (!fs.existsSync(path.join(dir, rel))) { report(false, "browser/markers-apart/" + label + name, "no " + rel); continue; }
    for (const width of [320, 375]) {
      const ctx = await browser.newContext({ viewport: { width, height: 700 } });
      const p = await ctx.newPage();
      await p.goto("file://" + path.join(dir, rel));
      await p.waitForTimeout(100);
      const small = faults(await look(p));
      const names = (await look(p)).names;
      const id = label + name + "/" + width;
      report(small.markers > 0 && small.overlaps === 0 && small.small === 0 && small.fonts === 0,
        "browser/markers-apart/" + id, JSON.stringify(small));
      report(small.groups > 0 && names.length === 0, "browser/markers-group-names/" + id,
        small.groups + " groups; " + JSON.stringify(names.slice(0, 3)));
      await p.setViewportSize({ width: 1280, height: 900 });
      await p.waitForTimeout(150);
      const wide = faults(await look(p));
      report(wide.markers > small.markers && wide.overlaps === 0 && small.groups > 0,
        "browser/markers-split-when-wider/" + id, JSON.stringify({ small, wide }));
      await ctx.close();
    }
  }
}

// A group is a link like carto's markers: Tab reaches it (the markers it
// holds are out of the focus order) and Enter follows it to its first
// offer, which is shown.
async function keyboardCheck(browser, report, dir, rel) {
  const ctx = await browser.newContext({ viewport: { width: 375, height: 700 } });
  const p = await ctx.newPage();
  await p.goto("file://" + path.join(dir, rel));
  await p.waitForTimeout(100);
  await p.focus("#saut-filtres, a.skip-map, body").catch(() => {});
  const seen = await p.evaluate(() => {
    const g = document.querySelector("svg.map a.regroupe");
    if (!g) return null;
    const before = g.previousElementSibling;
    let prev = null;
    for (let e = before; e && !prev; e = e.previousElementSibling)
      if (e.tagName === "a" && e.getBoundingClientRect().width) prev = e;
    return { href: g.getAttribute("href"), hidden: Array.from(document.querySelectorAll("svg.map a[display=none]"))
      .filter((a) => a.tabIndex >= 0 && a.getBoundingClientRect().width > 0).length, prev: !!prev };
  });
  if (!seen) { report(false, "browser/markers-group-keyboard", "no group at 375 px"); await ctx.close(); return; }
  // Tab from the link before the group (or the map's first link) reaches it.
  await p.evaluate(() => {
    const g = document.querySelector("svg.map a.regroupe");
    let e = g.previousElementSibling;
    while (e && !(e.tagName === "a" && e.getBoundingClientRect().width)) e = e.previousElementSibling;
    (e || g).focus();
  });
  if (seen.prev) await p.keyboard.press("Tab");
  const focused = await p.evaluate(() => document.activeElement.classList.contains("regroupe") &&
    document.activeElement === document.querySelector("svg.map a.regroupe"));
  await p.keyboard.press("Enter");
  await p.waitForTimeout(50);
  const url = p.url(), target = seen.href.replace(/^.*#/, "");
  const shown = await p.evaluate((id) => { const e = document.getElementById(id); return !!e && !e.hidden; }, target);
  report(focused && seen.hidden === 0 && url.endsWith("#" + target) && shown, "browser/markers-group-keyboard",
    JSON.stringify({ focused, seen, url }));
  // A group that splits when the screen widens leaves the focus on its
  // first marker (or the group that holds it), not on the page.
  await p.focus("svg.map a.regroupe");
  const first = await p.evaluate(() => document.activeElement.cartoAtoms[0].getAttribute("aria-label"));
  await p.setViewportSize({ width: 1280, height: 900 });
  await p.waitForTimeout(150);
  const now = await p.evaluate(() => {
    const a = document.activeElement;
    return a.closest && a.closest("svg.map") && a.getBoundingClientRect().width > 0 ?
      (a.cartoAtoms || [a]).map((m) => m.getAttribute("aria-label")) : [a.tagName];
  });
  report(now.includes(first), "browser/markers-group-keeps-focus", JSON.stringify({ first, now }));
  await ctx.close();
}

// A marker of several types takes the chosen type's colour once a type is
// ticked: every shown marker and group then has the colour of ASL.
async function colourCheck(browser, report, dir, rel) {
  for (const width of [375, 1280]) {
    const ctx = await browser.newContext({ viewport: { width, height: 800 } });
    const p = await ctx.newPage();
    await p.goto("file://" + path.join(dir, rel));
    const before = await p.evaluate(() => {
      const asl = document.querySelector("ul.legend").getAttribute("data-couleurs").match(/(?:^| )asl (\S+)/)[1];
      const mixed = Array.from(document.querySelectorAll("svg.map a[data-cards]:not(.regroupe)")).filter((a) => {
        const ids = a.getAttribute("data-cards").split(" ").flatMap((t) => {
          const m = /^r(\d+)(?:-r(\d+))?$/.exec(t), v = [];
          for (let i = +m[1]; i <= +(m[2] || m[1]); i++) v.push("r" + i);
          return v;
        });
        return a.querySelector("circle.marker").getAttribute("fill") === "#1e1e1e" &&
          ids.some((id) => document.getElementById(id).getAttribute("data-types").split(" ").includes("asl"));
      }).length;
      return { asl, mixed };
    });
    await p.check("#f-types-asl");
    await p.waitForTimeout(50);
    const after = await p.evaluate((asl) => {
      const shown = Array.from(document.querySelectorAll("svg.map a")).filter((a) => a.querySelector("circle.marker") &&
        a.getBoundingClientRect().width > 0);
      return { shown: shown.length, other: shown.filter((a) => a.querySelector("circle.marker").getAttribute("fill") !== asl)
        .map((a) => a.getAttribute("aria-label") + " " + a.querySelector("circle.marker").getAttribute("fill")).slice(0, 3) };
    }, before.asl);
    report(before.mixed > 0 && after.shown > 0 && after.other.length === 0, "browser/markers-colour-follows-type/" + width,
      JSON.stringify({ before, after }));
    await ctx.close();
  }
}

// The time of one regrouping of every map of a page (ms), at 375 px, then
// at 1280 px: what assets/reperes.js measures itself (CARTO_REPERES.ms).
async function regroupMs(browser, dir, rel) {
  const ctx = await browser.newContext({ viewport: { width: 375, height: 700 } });
  const p = await ctx.newPage();
  await p.goto("file://" + path.join(path.resolve(dir), rel));
  await p.waitForTimeout(200);
  const phone = await p.evaluate(() => { window.CARTO_REPERES.regroup(); return { ms: window.CARTO_REPERES.ms,
    markers: document.querySelectorAll("svg.map circle.marker").length,
    groups: document.querySelectorAll("svg.map a.regroupe").length }; });
  await p.setViewportSize({ width: 1280, height: 900 });
  await p.waitForTimeout(200);
  const wide = await p.evaluate(() => { window.CARTO_REPERES.regroup(); return { ms: window.CARTO_REPERES.ms,
    groups: document.querySelectorAll("svg.map a.regroupe").length }; });
  await ctx.close();
  return { phone, wide };
}

module.exports = { phoneChecks, keyboardCheck, colourCheck, regroupMs };

if (require.main === module) {
  const { chromium } = require("playwright-core");
  (async () => {
    const browser = await chromium.launch({ executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
      args: ["--no-sandbox", "--disable-gpu"] });
    const dir = path.resolve(process.argv[2]);
    const report = (ok, name, detail) => console.log((ok ? "ok " : "FAIL ") + name + (ok || !detail ? "" : "\n  " + detail));
    const carto = fs.readdirSync(path.join(dir, "cartographies")).filter((n) =>
      fs.existsSync(path.join(dir, "cartographies", n, "index.html"))).sort()[0];
    const rel = "cartographies/" + carto + "/index.html";
    await phoneChecks(browser, report, dir, [["cartography", rel], ["departement", rel.replace("index.html", "93/index.html")]],
      (process.argv[3] || "") + "");
    console.log(JSON.stringify(await regroupMs(browser, dir, rel)));
    await browser.close();
  })().catch((e) => { console.log("FAIL carto-markers: " + e.message); process.exit(1); });
}
