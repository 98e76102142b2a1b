// Bytes a cartography transfers (issue 17): serves a built site over HTTP
// with gzip, as a host would, opens a cartography page in Chromium, sums what
// the browser's own resource timing says it transferred for the first screen,
// then ticks one facet value and sums again once the list shows the matching
// offers (the data pieces it loaded included). Exported for tests/browser.js
// and tests/benchmark.sh; alone, prints one line per page, then the times
// of a "Près de…" keystroke and of regrouping the markers (regroupTimes):
// usage: node tests/carto_weight.js OUT [BUDGET_KB]
"use strict";
const fs = require("fs");
const path = require("path");
const { serve } = require("./search_weight.js");

// The pages to weigh: each cartography's own page, ticking a département
// (the narrowing the page offers first), and its heaviest département page,
// ticking the first value of its second facet.
function pages(dir) {
  const got = [];
  const base = path.join(dir, "cartographies");
  for (const id of fs.readdirSync(base).filter((n) => fs.existsSync(path.join(base, n, "index.html"))).sort()) {
    got.push({ rel: `cartographies/${id}/index.html`, tick: "#f-departement-93" });
    const deps = fs.readdirSync(path.join(base, id)).filter((n) => /^\d[0-9AB]$/.test(n) &&
      fs.existsSync(path.join(base, id, n, "index.html")));
    if (!deps.length) continue;
    const size = (d) => fs.statSync(path.join(base, id, d, "index.html")).size;
    const d = deps.sort((a, b) => size(b) - size(a))[0];
    got.push({ rel: `cartographies/${id}/${d}/index.html`, tick: "fieldset[data-facette]:nth-of-type(2) input" });
  }
  return got;
}

async function bytes(page) {
  return page.evaluate(() => performance.getEntriesByType("navigation").concat(performance.getEntriesByType("resource"))
    .reduce((s, e) => s + e.transferSize, 0));
}

// Returns [{ rel, first, after, shown }].
async function measure(browser, dir) {
  dir = path.resolve(dir);
  const server = await serve(dir);
  const out = [];
  try {
    for (const p of pages(dir)) {
      const page = await browser.newPage();
      await page.goto(`http://127.0.0.1:${server.address().port}/${p.rel}`);
      await page.waitForLoadState("load");
      const first = await bytes(page);
      await page.locator(p.tick).first().check();
      await page.waitForFunction(() => /correspond/.test(document.getElementById("facettes-statut").textContent) &&
        document.querySelectorAll("#carto-liste li, li.card:not([hidden])").length > 0, null, { timeout: 60000 });
      const after = await bytes(page);
      const shown = await page.locator("#carto-liste li, li.card:not([hidden])").count();
      out.push({ rel: p.rel, first, after, shown });
      await page.close();
    }
  } finally {
    server.close();
  }
  return out;
}

// The worst time of a "Près de…" keystroke (issue 16: under 16 ms), over
// the queries a person types for Saint-Denis, on the first cartography page
// (the communes are loaded by typing into the field first).
async function keystrokeMs(browser, dir) {
  const rel = pages(path.resolve(dir))[0].rel;
  const page = await browser.newPage();
  await page.goto("file://" + path.join(path.resolve(dir), rel));
  await page.click("#pres-de");
  await page.keyboard.type("st denis");
  await page.waitForSelector("#pres-de-liste [role=option]");
  const ms = await page.evaluate(() => {
    let worst = 0;
    for (const q of ["s", "sa", "sai", "sain", "saint", "saint d", "saint de", "st denis", "9", "93", "932"]) {
      const t0 = performance.now();
      window.CARTO_MATCH(q, 10);
      worst = Math.max(worst, performance.now() - t0);
    }
    return worst;
  });
  await page.close();
  return ms;
}

// The time assets/reperes.js takes to regroup the markers of the first
// cartography page's maps (issue 16): at 375 px, then widened to 1280 px,
// then at 375 px once département 93 is ticked (its rows loaded, the groups
// named from them).
async function regroupTimes(browser, dir) {
  const rel = pages(path.resolve(dir))[0].rel;
  const t = await require("./carto_markers.js").regroupMs(browser, dir, rel);
  const ctx = await browser.newContext({ viewport: { width: 375, height: 700 } });
  const page = await ctx.newPage();
  await page.goto("file://" + path.join(path.resolve(dir), rel));
  await page.check("#f-departement-93");
  await page.waitForFunction(() => /correspond/.test(document.getElementById("facettes-statut").textContent),
    null, { timeout: 60000 });
  t.filtered = await page.evaluate(() => ({ ms: window.CARTO_REPERES.ms,
    groups: document.querySelectorAll("svg.map a.regroupe:not([display])").length }));
  await ctx.close();
  return t;
}

module.exports = { measure, keystrokeMs, regroupTimes };

if (require.main === module) {
  const { chromium } = require("playwright-core");
  (async () => {
    const browser = await chromium.launch({ executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
      args: ["--no-sandbox", "--disable-gpu"] });
    const budget = Number(process.argv[3] || 150) * 1024;
    let bad = 0;
    for (const r of await measure(browser, process.argv[2])) {
      const ok = r.shown > 0 && r.first <= budget && r.after <= budget;
      if (!ok) bad++;
      console.log(`${ok ? "ok" : "FAIL"} carto-weight: ${r.rel}: first screen ${(r.first / 1024).toFixed(1)} KB, ` +
        `with one filter ${(r.after / 1024).toFixed(1)} KB (${r.shown} offers shown; budget ${budget / 1024} KB)`);
    }
    const ms = await keystrokeMs(browser, process.argv[2]);
    if (!(ms < 16)) bad++;
    console.log(`${ms < 16 ? "ok" : "FAIL"} carto-weight: "Près de…" keystroke, worst ${ms.toFixed(2)} ms (target 16 ms)`);
    const rg = await regroupTimes(browser, process.argv[2]);
    const worst = Math.max(rg.phone.ms, rg.wide.ms, rg.filtered.ms);
    if (!(worst < 100)) bad++;
    console.log(`${worst < 100 ? "ok" : "FAIL"} carto-weight: regrouping the markers of ${pages(process.argv[2])[0].rel}: ` +
      `${rg.phone.ms.toFixed(1)} ms at 375 px (${rg.phone.markers} markers, ${rg.phone.groups} groups), ` +
      `${rg.wide.ms.toFixed(1)} ms at 1280 px (${rg.wide.groups} groups), ` +
      `${rg.filtered.ms.toFixed(1)} ms at 375 px with département 93 (${rg.filtered.groups} groups; target 100 ms)`);
    await browser.close();
    process.exit(bad ? 1 : 0);
  })().catch((e) => { console.log("FAIL carto-weight: " + e.message); process.exit(1); });
}
