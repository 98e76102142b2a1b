// Accessibility and search checks in a real browser: Debian's Chromium driven
// by playwright-core, with axe-core injected into each page (WCAG 2.1 A and AA
// rules plus best practices). Prints "ok NAME" / "FAIL NAME" lines for
// tests/run.sh. usage: node tests/browser.js OUTPUT_DIR [SCREENSHOT_DIR]
"use strict";
const path = require("path");
const fs = require("fs");
const { chromium } = require("playwright-core");

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
];

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
    for (const [label, viewport] of [["desktop", { width: 1280, height: 900 }], ["phone", { width: 375, height: 740 }]]) {
      const page = await browser.newPage({ viewport });
      const url = "file://" + path.join(out, rel.split("?")[0]) + (rel.includes("?") ? "?" + rel.split("?")[1] : "");
      await page.goto(url);
      await page.addScriptTag({ path: axePath });
      const res = await page.evaluate(() => window.axe.run(document, {
        runOnly: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"] }));
      const v = res.violations.map((x) => x.id + " (" + x.nodes.length + "): " +
        x.nodes.slice(0, 2).map((n) => n.target.join(" ")).join(", "));
      report(v.length === 0, "browser/axe/" + name + "/" + label, v.join("\n  "));
      if (shots) await page.screenshot({ path: path.join(shots, name + "-" + label + ".png"), fullPage: false });
      if (name === "search-results" && label === "desktop") {
        const n = await page.locator("#search-results li").count();
        const status = await page.locator("#search-status").textContent();
        report(n > 0 && /résultat/.test(status), "browser/search-accent-insensitive", "results: " + n + " status: " + status);
        await page.fill("#q", "zzzzqqq");
        const none = await page.locator("#search-results li").count();
        report(none === 0, "browser/search-no-result", "results: " + none);
      }
      await page.close();
    }
  }
  await browser.close();
  process.exit(failed ? 1 : 0);
})().catch((e) => { console.log("FAIL browser: " + e.message); process.exit(1); });
