// Accessibility and search checks in a real browser: Debian's Chromium driven
// by playwright-core, with axe-core injected into each page (WCAG 2.1 A and AA
// rules plus best practices). Prints "ok NAME" / "FAIL NAME" lines for
// tests/run.sh. usage: node tests/browser.js OUTPUT_DIR [SCREENSHOT_DIR]
"use strict";
const path = require("path");
const fs = require("fs");
const { chromium } = require("playwright-core");
const searchWeight = require("./search_weight.js").measure;
const { nearChecks, comboAxe } = require("./carto_near.js");
const cartoWeight = require("./carto_weight.js").measure;
const cartoMarkers = require("./carto_markers.js");

const out = path.resolve(process.argv[2] || "output");
const shots = process.argv[3];
const axePath = require.resolve("axe-core/axe.min.js");

function firstDir(dir) {
  const names = fs.readdirSync(path.join(out, dir)).filter((n) =>
    fs.existsSync(path.join(out, dir, n, "index.html"))).sort();
  return names.length ? dir + "/" + names[0] + "/index.html" : null;
}

function firstArticle() {
  const feed = fs.readFileSync(path.join(out, "feed.xml"), "utf8");
  const m = feed.match(/<entry>[\s\S]*?<link href="([^"]+)"/);
  if (!m) return null;
  const site = feed.match(/<link rel="alternate" href="([^"]+)"/)[1];
  return m[1].slice(site.length) + "index.html";
}

const pages = [
  ["home", "index.html"],
  ["organisation", firstDir("organismes")],
  ["referentiel", firstDir("referentiels")],
  ["article", firstArticle()],
  ["directory", "organismes/index.html"],
  ["search-results", "recherche/index.html?q=francais"],
  ["not-found", "404.html"],
  ["cartography", firstDir("cartographies")],
  ["cartography-departement", (firstDir("cartographies") || "").replace("index.html", "93/index.html")],
  ["cartography-parcours", (firstDir("cartographies") || "").replace("index.html", "parcours/index.html")],
  ["cartography-commune", (firstDir("cartographies") || "").replace("index.html", "communes/93066/index.html")],
  ["cartography-near", (firstDir("cartographies") || "") + "?pres=93066&rayon=5&types=asl"],
  ["deck", "presenter-la-cartographie/index.html"],
  ["page-with-views", "methodologie/index.html"],
  ["webinars", "webinaires/index.html"],
  ["webinar", "webinaires/orienter-vers-la-bonne-formation-linguistique/index.html"],
  ["accessibility-statement", "accessibilite/index.html"],
  ["legal-notice", "mentions-legales/index.html"],
  ["site-map", "plan-du-site/index.html"],
];

// The HTML deck: one slide on screen at a time; arrows, Page Down, End and
// Home move through them, the number follows, N shows the speaker notes; the
// address keeps the slide. Without JavaScript every slide is on the page.
async function deckChecks(browser, report) {
  const url = "file://" + path.join(out, "presenter-la-cartographie/index.html");
  const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
  await page.goto(url);
  const n = await page.locator("section.slide").count();
  const shown = async () => page.evaluate(() =>
    Array.from(document.querySelectorAll("section.slide")).filter((s) => s.offsetParent !== null).map((s) => s.id));
  let v = await shown();
  report(n > 2 && v.length === 1 && v[0] === "diapo-1", "browser/deck-one-slide", JSON.stringify(v));
  await page.keyboard.press("ArrowRight");
  await page.keyboard.press("PageDown");
  v = await shown();
  const pos = await page.locator(".deck-pos").textContent();
  report(v.length === 1 && v[0] === "diapo-3" && pos === "3 / " + n && page.url().endsWith("#diapo-3"),
    "browser/deck-keyboard-next", JSON.stringify(v) + " " + pos);
  await page.keyboard.press("ArrowLeft");
  v = await shown();
  report(v[0] === "diapo-2", "browser/deck-keyboard-previous", JSON.stringify(v));
  await page.keyboard.press("End");
  v = await shown();
  report(v[0] === "diapo-" + n, "browser/deck-keyboard-end", JSON.stringify(v));
  await page.keyboard.press("Home");
  report((await shown())[0] === "diapo-1", "browser/deck-keyboard-home");
  await page.close();
  // Slide 5 has notes: hidden from the audience until N is pressed; the
  // address opens the deck on that slide.
  const p4 = await browser.newPage({ viewport: { width: 1280, height: 720 } });
  await p4.goto(url + "#diapo-5");
  const at5 = (await p4.evaluate(() => Array.from(document.querySelectorAll("section.slide"))
    .filter((s) => s.offsetParent !== null).map((s) => s.id)))[0];
  const hidden = await p4.locator("#diapo-5 .notes").isHidden();
  await p4.keyboard.press("n");
  const visible = await p4.locator("#diapo-5 .notes").isVisible();
  report(at5 === "diapo-5" && hidden && visible, "browser/deck-notes-hidden-until-n",
    "slide " + at5 + " hidden " + hidden + " visible " + visible);
  await p4.close();
  // Every slide fits its screen (shrunk if need be, as in the PDF) at
  // 1920×1080, 1024×768 and at 200 % zoom; on a phone the bar is whole.
  for (const [label, vp, scale] of [["1920x1080", { width: 1920, height: 1080 }, 1],
    ["1024x768", { width: 1024, height: 768 }, 1], ["zoom-200", { width: 640, height: 384 }, 2],
    ["phone", { width: 375, height: 667 }, 2]]) {
    const pz = await browser.newPage({ viewport: vp, deviceScaleFactor: scale });
    const over = [];
    for (let i = 1; i <= n; i++) {
      await pz.goto(url + "#diapo-" + i);
      const o = await pz.evaluate((id) => {
        // A data table may scroll sideways in its slide (WCAG 1.4.10 allows
        // it); nothing else may overflow.
        const s = document.getElementById(id), right = s.getBoundingClientRect().right;
        return s.scrollHeight > s.clientHeight + 1 || (s.scrollWidth > s.clientWidth + 1 &&
          Array.from(s.querySelectorAll("*")).some((e) => e.getBoundingClientRect().right > right + 1 && !e.closest("table")));
      }, "diapo-" + i);
      if (o) over.push(i);
    }
    const bar = await pz.evaluate(() => Array.from(document.querySelectorAll(".deck-nav button")).every((b) => {
      const r = b.getBoundingClientRect();
      return r.left >= 0 && r.right <= window.innerWidth && r.bottom <= window.innerHeight && r.top >= 0;
    }));
    report(over.length === 0 && bar, "browser/deck-fits/" + label, "overflowing slides " + over.join(", ") + ", bar whole " + bar);
    await pz.close();
  }
  // The first Tab reaches the skip link, not the bottom bar;
  // the single-key shortcuts can be turned off (WCAG 2.1.4).
  const pk = await browser.newPage({ viewport: { width: 1280, height: 720 } });
  const firsts = [];
  for (const u of [url, url + "#diapo-3"]) {
    await pk.goto(u);
    await pk.waitForLoadState("load");
    await pk.waitForTimeout(50);
    await pk.keyboard.press("Tab");
    firsts.push(await pk.evaluate(() => document.activeElement.closest(".deck-nav") ? "bar"
      : document.activeElement.className));
  }
  // Opened on a slide, the browser starts from that slide: never the bar.
  report(firsts[0] === "skip" && firsts[1] !== "bar", "browser/deck-first-tab-skip-link", JSON.stringify(firsts));
  await pk.goto(url + "#diapo-5");
  await pk.click("[data-go=keys]");
  await pk.keyboard.press("n");
  const off = await pk.locator("#diapo-5 .notes").isHidden();
  await pk.reload();
  await pk.keyboard.press("f");
  await pk.keyboard.press("n");
  const stillOff = await pk.locator("#diapo-5 .notes").isHidden() &&
    (await pk.getAttribute("[data-go=keys]", "aria-pressed")) === "false";
  await pk.click("[data-go=keys]");
  await pk.keyboard.press("n");
  const on = await pk.locator("#diapo-5 .notes").isVisible();
  report(off && stillOff && on, "browser/deck-shortcuts-can-be-turned-off", [off, stillOff, on].join(" "));
  await pk.close();
  const ctx = await browser.newContext({ javaScriptEnabled: false });
  const nojs = await ctx.newPage();
  await nojs.goto(url);
  const all = await nojs.evaluate(() =>
    Array.from(document.querySelectorAll("section.slide")).filter((s) => s.offsetParent !== null).length);
  report(all === n, "browser/deck-no-script-shows-all", all + " of " + n);
  await ctx.close();
}

// The cartography's facets: département 93 and type ASL show exactly the
// offers the extract says, and hide the other markers; without JavaScript the
// page lists every offer.
async function facetChecks(browser, report) {
  const rel = firstDir("cartographies");
  const id = rel.split("/")[1];
  const feats = JSON.parse(fs.readFileSync(path.join(out, "data/cartographies", id + ".geojson"), "utf8")).features;
  const want = feats.filter((f) => f.properties.departement === "93" &&
    f.properties.types.split(" | ").includes("asl")).length;
  const page = await browser.newPage();
  // data-cards="r0 r3-r5": the cards of a marker.
  await page.addInitScript(() => {
    window.cartoIds = (a) => a.getAttribute("data-cards").split(" ").flatMap((t) => {
      const m = /^r(\d+)(?:-r(\d+))?$/.exec(t), ids = [];
      for (let i = +m[1]; i <= +(m[2] || m[1]); i++) ids.push("r" + i);
      return ids;
    });
  });
  await page.goto("file://" + path.join(out, rel));
  await page.check("#f-departement-93");
  await page.check("#f-types-asl");
  const shown = await page.locator("li.card:not([hidden])").count();
  const markers = await page.evaluate(() => {
    const all = Array.from(document.querySelectorAll("svg.map a[data-cards]"));
    const vis = all.filter((a) => a.style.display !== "none");
    const bad = vis.filter((a) => window.cartoIds(a).every((id) => document.getElementById(id).hidden)).length;
    return { all: all.length, visible: vis.length, bad };
  });
  report(want > 0 && shown === want, "browser/facets/93-asl-count", "shown " + shown + ", expected " + want);
  report(markers.visible > 0 && markers.visible < markers.all && markers.bad === 0,
    "browser/facets/markers-follow", JSON.stringify(markers));
  // Each shown marker counts and names only its shown offers, and links to
  // one of them.
  const named = await page.evaluate(() => Array.from(document.querySelectorAll("svg.map a[data-cards]"))
    .filter((a) => a.style.display !== "none").map((a) => {
      const ids = window.cartoIds(a).filter((id) => !document.getElementById(id).hidden);
      const orgs = ids.map((id) => document.getElementById(id).querySelector("p:not(.card-title) a").textContent);
      const label = a.getAttribute("aria-label"), target = a.getAttribute("href").slice(1);
      const ok = label.endsWith(" : " + ids.length + " offre" + (ids.length > 1 ? "s" : "")) &&
        orgs.every((o) => label.includes(o)) && ids.includes(target);
      return ok ? "" : label + " -> " + target + " " + JSON.stringify(ids);
    }).filter(Boolean));
  report(named.length === 0, "browser/facets/markers-name-shown-offers", JSON.stringify(named.slice(0, 3)));
  // Groups of five or more organisations once filtered (the women's public
  // groups seven in Paris): named like carto names them, every one up to
  // twelve (html_carto.c GROUP_NAMES); it used to stop at four.
  const pf = await browser.newPage();
  await pf.goto("file://" + path.join(out, rel) + "?publics=femmes");
  const big = await pf.evaluate(() => Array.from(document.querySelectorAll("svg.map a[data-cards]"))
    .filter((a) => a.style.display !== "none").map((a) => {
      const ids = a.getAttribute("data-cards").split(" ").flatMap((t) => {
        const m = /^r(\d+)(?:-r(\d+))?$/.exec(t), v = [];
        for (let i = +m[1]; i <= +(m[2] || m[1]); i++) v.push("r" + i);
        return v;
      }).filter((id) => !document.getElementById(id).hidden);
      const orgs = [...new Set(ids.map((id) => document.getElementById(id).querySelector("p:not(.card-title) a").textContent))];
      const label = a.getAttribute("aria-label");
      return orgs.length > 4 && orgs.length <= 12 ? (orgs.every((o) => label.includes(o)) &&
        !label.includes("autres organismes") ? "ok" : label) : "";
    }).filter(Boolean));
  await pf.close();
  report(big.length > 0 && big.every((x) => x === "ok"), "browser/facets/markers-name-twelve", JSON.stringify(big.slice(0, 2)));
  // A keyboard user skips the map: from the skip link, the next Tab lands
  // past the markers (on the filters, or after the list's heading).
  const skipped = [];
  for (const target of ["facettes-titre", "offres"]) {
    await page.focus(".skip-map a[href='#" + target + "']");
    await page.keyboard.press("Enter");
    await page.keyboard.press("Tab");
    skipped.push(await page.evaluate(() => !document.activeElement.closest("svg.map") &&
      !!(document.querySelector("svg.map").compareDocumentPosition(document.activeElement) &
        Node.DOCUMENT_POSITION_FOLLOWING)));
  }
  report(skipped.every(Boolean) && await page.locator("#saut-filtres").isVisible(),
    "browser/facets/skip-map", JSON.stringify(skipped));
  const url = page.url();
  report(/departement=93/.test(url) && /types=asl/.test(url), "browser/facets/state-in-url", url);
  const again = await browser.newPage();
  await again.goto(url);
  report(await again.locator("li.card:not([hidden])").count() === want, "browser/facets/url-restores");
  await page.click("#facettes-reset");
  await page.waitForTimeout(50);
  report(await page.locator("li.card:not([hidden])").count() === feats.length, "browser/facets/reset");
  const ctx = await browser.newContext({ javaScriptEnabled: false });
  const nojs = await ctx.newPage();
  await nojs.goto("file://" + path.join(out, rel));
  const all = await nojs.locator("li.card").count();
  const formShown = await nojs.locator("#facettes").isVisible();
  report(all === feats.length && !formShown, "browser/facets/no-script-lists-all", all + " of " + feats.length);
  // A filtered link opened without JavaScript says that the list is whole.
  await nojs.goto("file://" + path.join(out, rel) + "?departement=93&types=asl");
  const said = await nojs.locator("p.note").filter({ hasText: "Les filtres demandent JavaScript" }).isVisible();
  report(said && !(await nojs.locator("#saut-filtres").isVisible()), "browser/facets/no-script-says-unfiltered");
  await ctx.close();
  await page.close();
  await again.close();
}

// The parcours page: starting at the second step of the first scale and
// keeping département 93 shows the steps from there that have offers in 93
// (counted on the page without JavaScript, where every step is listed), and
// only the rows of 93; the address keeps the choice.
async function parcoursChecks(browser, report) {
  const rel = firstDir("cartographies").replace("index.html", "parcours/index.html");
  const ctx = await browser.newContext({ javaScriptEnabled: false });
  const nojs = await ctx.newPage();
  await nojs.goto("file://" + path.join(out, rel));
  const expected = await nojs.evaluate(() => {
    const sec = document.querySelector(".echelle");
    const steps = Array.from(sec.querySelectorAll(".etape"));
    return { start: steps[1].id, all: document.querySelectorAll(".etape").length,
      n: steps.slice(1).filter((st) => st.querySelector('tr[data-departement="93"]')).length };
  });
  report(expected.all > 1 && !(await nojs.locator("#parcours-choix").isVisible()),
    "browser/parcours/no-script-shows-every-step", JSON.stringify(expected));
  // A step is numbered once, by its heading ("Étape 1 : …"), not also by
  // the list (issue 16's review: "1. Étape 1 :").
  const numbering = await nojs.evaluate(() => Array.from(document.querySelectorAll("ol.etapes"))
    .map((ol) => getComputedStyle(ol).listStyleType + " " + ol.querySelector("h3").textContent.slice(0, 8)));
  report(numbering.length > 0 && numbering.every((x) => x.startsWith("none Étape 1")), "browser/parcours/numbered-once",
    JSON.stringify(numbering));
  await ctx.close();
  // The "Public" label stands apart from the "Près de…" field, at 375 and
  // 1280 px (it sat against the field, inside div.pres-de): it is out of
  // that group and no box of the label comes within 4 px of the field's.
  for (const width of [375, 1280]) {
    const pf = await browser.newPage({ viewport: { width, height: 900 } });
    await pf.goto("file://" + path.join(out, rel));
    const gap = await pf.evaluate(() => {
      const a = document.querySelector("label[for=parcours-public]").getBoundingClientRect(),
        b = document.getElementById("pres-de").getBoundingClientRect();
      /* Its own line, not the field's group (where it was). */
      return document.querySelector(".pres-de label[for=parcours-public]") ? -1
        : Math.max(a.left - b.right, b.left - a.right, a.top - b.bottom, b.top - a.bottom);
    });
    report(gap >= 4, "browser/parcours/public-label-apart/" + width, "gap " + gap.toFixed(1) + " px");
    await pf.close();
  }
  const page = await browser.newPage();
  await page.goto("file://" + path.join(out, rel));
  await page.selectOption("#parcours-depart", expected.start);
  await page.selectOption("#parcours-departement", "93");
  const seen = await page.evaluate(() => ({
    steps: document.querySelectorAll(".etape:not([hidden])").length,
    other: Array.from(document.querySelectorAll(".etape:not([hidden]) tr[data-departement]:not([hidden])"))
      .filter((tr) => tr.getAttribute("data-departement") !== "93").length,
    status: document.getElementById("parcours-statut").textContent }));
  report(expected.n > 0 && seen.steps === expected.n && seen.other === 0 && /étape/.test(seen.status),
    "browser/parcours/start-and-departement", JSON.stringify({ expected, seen }));
  const again = await browser.newPage();
  await again.goto(page.url());
  report(await again.locator(".etape:not([hidden])").count() === expected.n &&
    await again.inputValue("#parcours-departement") === "93", "browser/parcours/url-restores", page.url());
  await page.close();
  await again.close();
}

// The parcours page with a commune and a public (issue 16): choosing
// Saint-Denis lists each step's offers nearest first, with their distance,
// as the test computes them from the published CSV (the cartography's
// extract for the levels, offres.csv for CléA, the offers of type clea);
// a public keeps the offers open to all or to it, and a step with none
// says so; the address keeps the choice; the status line announces it;
// axe-core finds nothing, and nothing scrolls sideways, at 320, 375 and
// 1280 px.
const { csv, km: nearKm, comboOpenAxe } = require("./carto_near.js");
function scaleLevels(sid) {
  const y = fs.readFileSync(path.join(__dirname, "../referentiels/vocabulaires.yaml"), "utf8");
  const from = y.indexOf("\n  " + sid + ":\n"), rest = y.slice(from + 1);
  const end = rest.slice(1).search(/\n  [a-z][a-z0-9_-]*:\n|\n[a-z]/);
  return [...rest.slice(0, end + 1).matchAll(/code: "([^"]+)",[^}]*rang: (\d+)/g)].map((m) => [m[1], +m[2]]);
}
// The rule of derive.h, offre_takes_level (tests/site.sh has it too).
function takesLevel(r, sid, rank, at) {
  const lo = r.niveau_entree_min, hi = r.niveau_entree_max, vise = r.niveau_vise;
  if (r.echelle !== sid || !(lo || hi)) return false;
  if (lo && !hi && !(vise in rank)) return at === rank[lo];
  return (rank[lo] || 0) <= at && at <= (hi in rank ? rank[hi] : 99) && at < (vise in rank ? rank[vise] : 99);
}
// Rule 3 of the suites: the steps list only the offers that recruit.
const recruits = (r) => r.etat_recrutement === "ouvert" || (r.etat_recrutement === "" && r.entrees_sorties === "permanentes");
const openTo = (r, pub) => {
  const p = r.publics.split(" | ").filter(Boolean);
  return !pub || !p.length || p.includes("tous-publics") || p.includes(pub);
};
const kmFr = (d) => "à " + (Math.round(d * 10) / 10).toFixed(1).replace(".", ",") + " km";

// What each step of the parcours page of cartography id in dir should list
// near Saint-Denis for a public: its rows open to the public, nearest
// first, the first ten, as [distance, offer] sorted (equal distances may
// come in either order), and how many there are; from the published CSV.
const saintDenis = { lat: 48.93644, lon: 2.36018 };	/* 93066 (referentiels/geo) */
function stepExpecter(dir, id) {
  const rows = csv(path.join(dir, "data/cartographies", id + ".csv"));
  const clea = csv(path.join(dir, "data/offres.csv")).filter((r) => r.types.split(" | ").includes("clea") && recruits(r));
  return (stepId, pub) => {
    const m = /^etape-([a-z0-9]+)-(\d+|clea)$/.exec(stepId), levels = scaleLevels(m[1]);
    const rank = Object.fromEntries(levels);
    const members = m[2] === "clea" ? clea : rows.filter((r) => takesLevel(r, m[1], rank, levels[+m[2] - 1][1]) && recruits(r));
    const d = members.filter((r) => openTo(r, pub)).map((r) => [nearKm(saintDenis.lat, saintDenis.lon, +r.latitude, +r.longitude), r.offre_id])
      .sort((a, b) => a[0] - b[0]);
    return { n: d.length, clea: clea.length, list: d.slice(0, 10).map((x) => [kmFr(x[0]), x[1]]) };
  };
}
// The steps shown on a parcours page, with their lists.
const parcoursListed = (page) => page.evaluate(() => Array.from(document.querySelectorAll(".etape:not([hidden])")).map((st) => ({
  id: st.id, text: (st.querySelector(".etape-choix p") || {}).textContent || "",
  list: Array.from(st.querySelectorAll(".etape-choix li")).map((li) => [li.querySelector(".distance").textContent, li.getAttribute("data-offre")]) })));
// The steps whose lists differ from what expected() says.
function parcoursWrong(got, expected, pub) {
  const byKey = (a, b) => (a[0] + a[1] < b[0] + b[1] ? -1 : 1);
  return got.map((st) => {
    const e = expected(st.id, pub), sorted = st.list.slice().sort(byKey), want = e.list.slice().sort(byKey);
    const kms = st.list.map((x) => parseFloat(x[0].slice(2).replace(",", ".")));
    const ordered = kms.every((k, i) => !i || kms[i - 1] <= k);
    const said = e.n ? st.text.startsWith(e.n + " offre") : /^Aucune offre de cette étape/.test(st.text);
    return ordered && said && JSON.stringify(sorted) === JSON.stringify(want) ? "" :
      st.id + ": " + JSON.stringify(st.list.slice(0, 3)) + " " + st.text + " expected " + e.n + " " + JSON.stringify(e.list.slice(0, 3));
  }).filter(Boolean);
}
const pieceScripts = (p) => p.evaluate(() => Array.from(document.querySelectorAll("script[src*='donnees/']"))
  .map((e) => e.getAttribute("src")).sort());

async function parcoursNearChecks(browser, report) {
  const id = "linguistique", rel = "cartographies/" + id + "/parcours/index.html";
  const expected = stepExpecter(out, id), listed = parcoursListed, same = (got, pub) => parcoursWrong(got, expected, pub);
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await page.goto("file://" + path.join(out, rel));
  const steps = await page.$$eval(".etape", (l) => l.map((st) => st.id));
  await page.click("#pres-de");
  await page.keyboard.type("st denis");
  await page.waitForSelector("#pres-de-liste [role=option]");
  await page.keyboard.press("ArrowDown");
  await page.keyboard.press("Enter");
  await page.waitForSelector(".etape-choix li");
  const all = await listed(page);
  const bad = same(all, "");
  report(all.length === steps.length && all.some((st) => st.list.length > 1) && bad.length === 0,
    "browser/parcours/near-sorts-each-step", JSON.stringify(bad.slice(0, 3)) + " " + all.length + " of " + steps.length);
  const firstScale = steps.filter((s) => s.startsWith("etape-cecrl-"));
  const cl = expected("etape-cecrl-clea", "");
  report(firstScale[firstScale.length - 1] === "etape-cecrl-clea" && cl.n === cl.clea && cl.clea > 0,
    "browser/parcours/ends-with-clea", JSON.stringify(firstScale));
  await page.selectOption("#parcours-public", "femmes");
  const women = await listed(page);
  const badW = same(women, "femmes");
  const fewer = women.filter((st, i) => st.list.length < all[i].list.length || /^Aucune/.test(st.text)).length;
  const none = women.filter((st) => /^Aucune offre de cette étape pour le public « Femmes »/.test(st.text)).map((st) => st.id);
  report(women.length === all.length && badW.length === 0 && fewer > 0 && none.length > 0,
    "browser/parcours/public-filters", JSON.stringify(badW.slice(0, 3)) + " without offers: " + JSON.stringify(none));
  const status = await page.locator("#parcours-statut").textContent();
  report(await page.getAttribute("#parcours-statut", "aria-live") === "polite" && /Saint-Denis/.test(status) &&
    /Femmes/.test(status) && /aucune offre pour ce choix/.test(status), "browser/parcours/near-announced", status);
  const url = page.url();
  const again = await browser.newPage();
  await again.goto(url);
  await again.waitForSelector(".etape-choix li");
  const back = await listed(again);
  report(/pres=93066/.test(url) && /public=femmes/.test(url) && JSON.stringify(back) === JSON.stringify(women) &&
    await again.inputValue("#pres-de") === "Saint-Denis" && await again.inputValue("#parcours-public") === "femmes",
    "browser/parcours/near-url-restores", url);
  await again.close();
  await page.close();
  // The rows come in pieces, one a département: a public in one
  // département loads that one's piece only (the nearest pieces to a
  // commune: on the large site, largeChecks).
  const p93 = await browser.newPage();
  await p93.goto("file://" + path.join(out, rel) + "?departement=93&public=femmes");
  await p93.waitForSelector(".etape-choix li");
  const only93 = await pieceScripts(p93);
  const in93 = await p93.$$eval(".etape-choix li a", (l) => l.length);
  await p93.close();
  report(JSON.stringify(only93) === JSON.stringify(["donnees/93.js"]) && in93 > 0,
    "browser/parcours/loads-departement-piece", JSON.stringify(only93));
  for (const width of [1280, 375, 320]) {
    const v = await comboOpenAxe(browser, "file://" + path.join(out, rel) + "?pres=93066&public=femmes", width, axePath,
      ".etape-choix li");
    report(!v, "browser/parcours/near-axe/" + width, v);
  }
}

// Markers in the hand (issue 16, WCAG 2.2 2.5.8): on the cartography, its
// département page and a page with a map view, at 320, 375 and 1280 px wide
// (with JavaScript, which measures the map's scale, and without, where the
// style sheet guesses it), every marker's link
// measures at least 24 × 24 CSS px, and a group's number is set at 11 CSS px
// or more (its font size in the drawing times the drawing's scale).
async function markerChecks(browser, report) {
  const rel = firstDir("cartographies");
  for (const [name, page] of [["cartography", rel], ["cartography-departement", rel.replace("index.html", "93/index.html")],
    ["page-with-views", "methodologie/index.html"]]) {
    for (const [width, js] of [[320, true], [375, true], [1280, true], [320, false], [375, false], [1280, false]]) {
      const ctx = await browser.newContext({ viewport: { width, height: width > 400 ? 900 : 700 }, javaScriptEnabled: js });
      const p = await ctx.newPage();
      const label = name + "/" + width + (js ? "" : "-no-script");
      await p.goto("file://" + path.join(out, page));
      await p.waitForTimeout(50);
      const m = await p.evaluate(() => {
        const svg = document.querySelector("svg.map"), k = svg.getScreenCTM().a;
        // The links shown (the markers merged into a group are not).
        const links = Array.from(svg.querySelectorAll("a:not(.dep-lien)")).map((a) => a.getBoundingClientRect())
          .filter((r) => r.width > 0);
        const fonts = Array.from(svg.querySelectorAll(".marker-count")).map((t) => parseFloat(getComputedStyle(t).fontSize) * k);
        return { n: links.length, w: Math.min(...links.map((r) => r.width)), h: Math.min(...links.map((r) => r.height)),
          groups: fonts.length, font: Math.min(...fonts) };
      });
      report(m.n > 0 && m.w >= 24 && m.h >= 24, "browser/markers/target-24px/" + label, JSON.stringify(m));
      report((m.groups > 0 || name === "page-with-views") && (!m.groups || m.font >= 11),
        "browser/markers/group-number-11px/" + label, JSON.stringify(m));
      await ctx.close();
    }
  }
}

// Zoom where it is dense (issue 16): the region map is followed by a zoom on
// Paris and the petite couronne with its own markers; each département of
// the region map is a link to its page, named, reached with the keyboard;
// a département's map names its main communes, no name over a marker or
// another name (at 1280 px, where the names are read; a phone hides them).
async function zoomChecks(browser, report) {
  const rel = firstDir("cartographies");
  const p = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await p.goto("file://" + path.join(out, rel));
  const z = await p.evaluate(() => {
    const maps = document.querySelectorAll("svg.map");
    const links = Array.from(document.querySelectorAll("svg.map a.dep-lien"));
    return { maps: maps.length, zoomMarkers: maps.length > 1 ? maps[1].querySelectorAll("a[data-cards]").length : 0,
      zoomTitle: maps.length > 1 ? maps[1].querySelector("title").textContent : "",
      links: links.map((a) => [a.getAttribute("href"), a.getAttribute("aria-label"), a.tabIndex]) };
  });
  const hrefsOk = z.links.length === 8 && z.links.every(([h, name, t]) =>
    fs.existsSync(path.join(out, path.dirname(rel), h)) && /\(\d\d\) : carte et offres du département$/.test(name) && t >= 0);
  report(z.maps === 2 && z.zoomMarkers > 0 && /Paris et la petite couronne/.test(z.zoomTitle),
    "browser/map/zoom-paris-petite-couronne", JSON.stringify(z).slice(0, 300));
  report(hrefsOk, "browser/map/departements-are-links", JSON.stringify(z.links).slice(0, 300));
  // The keyboard reaches a département and Enter opens its page.
  await p.focus("svg.map a.dep-lien");
  await p.keyboard.press("Tab");
  await p.keyboard.press("Shift+Tab");
  const focused = await p.evaluate(() => document.activeElement.getAttribute("href"));
  await Promise.all([p.waitForNavigation(), p.keyboard.press("Enter")]);
  report(focused === z.links[0][0] && decodeURIComponent(p.url()).endsWith(path.join(path.dirname(rel), focused).split(path.sep).slice(-3).join("/")),
    "browser/map/departement-link-keyboard", focused + " -> " + p.url());
  await p.goto("file://" + path.join(out, rel.replace("index.html", "93/index.html")));
  await p.waitForTimeout(50);
  const l = await p.evaluate(() => {
    const names = Array.from(document.querySelectorAll("svg.map .commune-nom")).map((t) => t.getBoundingClientRect());
    const marks = Array.from(document.querySelectorAll("svg.map circle.marker")).map((c) => c.getBoundingClientRect());
    const hit = (a, b) => a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
    return { names: names.length, overMarker: names.filter((n) => marks.some((m) => hit(n, m))).length,
      overName: names.filter((n, i) => names.some((o, k) => k !== i && hit(n, o))).length };
  });
  report(l.names >= 3 && l.overMarker === 0 && l.overName === 0, "browser/map/departement-commune-names", JSON.stringify(l));
  // On a phone they would be too small to read: the list names the communes.
  await p.setViewportSize({ width: 375, height: 700 });
  const shown = await p.evaluate(() => Array.from(document.querySelectorAll("svg.map .commune-nom"))
    .filter((t) => t.getBoundingClientRect().width > 0).length);
  report(shown === 0, "browser/map/departement-commune-names-hidden-on-phone", shown + " shown");
  await p.close();
}

// A large cartography: the facets filter the rows of its data pieces.
async function largeChecks(browser, report, dir) {
  const feats = JSON.parse(fs.readFileSync(path.join(dir, "data/cartographies/linguistique.geojson"), "utf8")).features;
  const want = feats.filter((f) => f.properties.departement === "93").length;
  const page = await browser.newPage();
  await page.goto("file://" + path.join(dir, "cartographies/linguistique/index.html"));
  await page.check("#f-departement-93");
  await page.waitForFunction(() => /correspond/.test(document.getElementById("facettes-statut").textContent));
  // The count is known from the codes' piece; the rows' text comes with its
  // runs, loaded after: wait for them too (a loaded machine showed none yet).
  await page.waitForFunction(() => document.querySelectorAll("#carto-liste li").length > 0, null, { timeout: 10000 })
    .catch(() => {});
  const shown = await page.locator("#carto-liste li").count();
  const status = await page.locator("#facettes-statut").textContent();
  const markers = await page.evaluate(() => {
    const all = Array.from(document.querySelectorAll("svg.map a[data-cards]"));
    return [all.filter((a) => a.style.display !== "none").length, all.length];
  });
  const pieces = await page.evaluate(() => Array.from(document.querySelectorAll("script[src*='/donnees/']"))
    .map((e) => e.getAttribute("src").replace(/.*\//, "")));
  report(want > 0 && shown === Math.min(200, want) && status.startsWith(want + " offre") && markers[0] > 0 &&
    markers[0] < markers[1] && pieces.includes("93.js") && pieces.every((f) => /^93(-\d+)?\.js$/.test(f)),
    "browser/facets/large-view", "shown " + shown + " of " + want + ": " + status + " " + JSON.stringify([markers, pieces]));
  // Its maps are denser: on a phone, no two markers' targets overlap.
  await cartoMarkers.phoneChecks(browser, report, dir, [["cartography", "cartographies/linguistique/index.html"],
    ["cartography-departement", "cartographies/linguistique/93/index.html"]], "large/");
  // The communes of "Près de…" are the territory's: the same file whatever
  // the number of organisations (the keystroke timing that make bench takes,
  // tests/carto_weight.js, holds for any site).
  report(fs.readFileSync(path.join(dir, "cartographies/communes.js"), "utf8") ===
    fs.readFileSync(path.join(out, "cartographies/communes.js"), "utf8"), "browser/near/communes-do-not-grow");
  // Near Saint-Denis within 5 km: the pieces of the départements within
  // reach only, the offers nearest first, as many as the extract has.
  const near = await browser.newPage();
  await near.goto("file://" + path.join(dir, "cartographies/linguistique/index.html?pres=93066&rayon=5"));
  await near.waitForFunction(() => /Saint-Denis/.test(document.getElementById("facettes-statut").textContent));
  const { km } = require("./carto_near.js");
  const sd = [48.93644, 2.36018];
  const close = feats.map((f) => km(sd[0], sd[1], f.geometry.coordinates[1], f.geometry.coordinates[0])).filter((d) => d <= 5);
  const got = await near.evaluate(() => ({ status: document.getElementById("facettes-statut").textContent,
    first: Array.from(document.querySelectorAll("#carto-liste p.distance")).slice(0, 3).map((p) => p.textContent),
    pieces: document.querySelectorAll("script[src*='/donnees/']").length }));
  report(close.length > 0 && got.status.startsWith(close.length + " offre") && got.pieces > 0 && got.pieces < 8 &&
    got.first.length > 0, "browser/near/large-view-radius", JSON.stringify(got) + " expected " + close.length);
  await near.close();
  // The parcours page near Saint-Denis loads the nearest pieces of rows
  // only, and lists each step's nearest offers as the CSV says.
  const pp = await browser.newPage();
  await pp.goto("file://" + path.join(dir, "cartographies/linguistique/parcours/index.html?pres=93066"));
  await pp.waitForFunction(() => /Saint-Denis/.test(document.getElementById("parcours-statut").textContent));
  const ppPieces = await pieceScripts(pp), ppAll = fs.readdirSync(path.join(dir, "cartographies/linguistique/parcours/donnees")).length;
  const ppGot = await parcoursListed(pp);
  const ppWrong = parcoursWrong(ppGot, stepExpecter(dir, "linguistique"), "");
  await pp.close();
  report(ppGot.length > 1 && ppWrong.length === 0 && ppPieces.length > 0 && ppPieces.length < ppAll,
    "browser/parcours/large-near-nearest-pieces", JSON.stringify(ppWrong.slice(0, 2)) + " " + JSON.stringify(ppPieces) + " of " + ppAll);
  // The rows' links lead to the organisations' pages (the root comes from the
  // style sheet's address, whatever its name).
  const href = await page.locator("#carto-liste li a").first().evaluate((a) => a.href);
  const target = decodeURIComponent(new URL(href).pathname);
  report(href.startsWith("file://") && fs.existsSync(target), "browser/facets/large-view-links", href);
  await page.close();
  // The cartography's first screen and one filter, served with gzip: what
  // the browser's resource timing says they transferred stays within
  // 150 KB.
  for (const r of await cartoWeight(browser, dir))
    report(r.shown > 0 && r.first <= 150 * 1024 && r.after <= 150 * 1024, "browser/carto-weight/" + r.rel,
      "first screen " + r.first + " bytes, with one filter " + r.after + " bytes, " + r.shown + " shown");
  // A first search of two words, served with gzip: what the browser's
  // resource timing says it transferred stays within 100 KB.
  const w = await searchWeight(browser, dir);
  report(w.results > 0 && w.bytes <= 100 * 1024, "browser/search-weight",
    "« " + w.query + " »: " + w.results + " results, " + w.bytes + " bytes in " + w.files + " files");
}

(async () => {
  let failed = 0;
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
      "--disable-component-update", "--no-first-run", "--disable-sync"],
  });
  const report = (ok, name, detail) => {
    console.log((ok ? "ok " : "FAIL ") + name + (ok || !detail ? "" : "\n  " + detail));
    if (!ok) failed++;
  };
  for (const [name, rel] of pages) {
    if (!rel) { report(false, "browser/" + name, "no such page in " + out); continue; }
    for (const [label, viewport] of [["desktop", { width: 1280, height: 900 }], ["phone", { width: 375, height: 740 }],
      ["phone-320", { width: 320, height: 640 }]]) {
      const page = await browser.newPage({ viewport });
      const url = "file://" + path.join(out, rel.split("?")[0]) + (rel.includes("?") ? "?" + rel.split("?")[1] : "");
      await page.goto(url);
      await page.addScriptTag({ path: axePath });
      const res = await page.evaluate(() => window.axe.run(document, {
        runOnly: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"] }));
      const v = res.violations.map((x) => x.id + " (" + x.nodes.length + "): " +
        x.nodes.slice(0, 2).map((n) => n.target.join(" ")).join(", "));
      report(v.length === 0, "browser/axe/" + name + "/" + label, v.join("\n  "));
      // Reflow (WCAG 1.4.10): at 320 and 375 px nothing scrolls sideways.
      if (label !== "desktop") {
        const wide = await page.evaluate(() => {
          const w = document.documentElement.clientWidth;
          return document.documentElement.scrollWidth > w ? Array.from(document.querySelectorAll("body *"))
            .filter((e) => e.getBoundingClientRect().right > w + 1).slice(0, 3)
            .map((e) => e.tagName + "." + e.className).join(", ") || "?" : "";
        });
        report(!wide, "browser/reflow/" + name + "/" + label, wide);
      }
      if (shots) await page.screenshot({ path: path.join(shots, name + "-" + label + ".png"), fullPage: false });
      if (name === "search-results" && label === "desktop") {
        await page.waitForFunction(() => /résultat/.test(document.getElementById("search-status").textContent));
        const n = await page.locator("#search-results li").count();
        const status = await page.locator("#search-status").textContent();
        report(n > 0 && /résultat/.test(status), "browser/search-accent-insensitive", "results: " + n + " status: " + status);
        await page.fill("#q", "zzzzqqq");
        await page.waitForFunction(() => /Aucun/.test(document.getElementById("search-status").textContent));
        const none = await page.locator("#search-results li").count();
        report(none === 0, "browser/search-no-result", "results: " + none);
      }
      await page.close();
    }
  }
  await facetChecks(browser, report);
  await nearChecks(browser, report, out);
  await comboAxe(browser, report, out, axePath);
  await markerChecks(browser, report);
  const rel = firstDir("cartographies");
  await cartoMarkers.phoneChecks(browser, report, out, [["cartography", rel],
    ["cartography-departement", rel.replace("index.html", "93/index.html")], ["page-with-views", "methodologie/index.html"]], "");
  await cartoMarkers.keyboardCheck(browser, report, out, rel);
  await cartoMarkers.colourCheck(browser, report, out, rel);
  await zoomChecks(browser, report);
  await deckChecks(browser, report);
  await parcoursChecks(browser, report);
  await parcoursNearChecks(browser, report);
  if (process.env.CARTO_LARGE_OUT) await largeChecks(browser, report, process.env.CARTO_LARGE_OUT);
  await browser.close();
  process.exit(failed ? 1 : 0);
})().catch((e) => { console.log("FAIL browser: " + e.message); process.exit(1); });
