// Bytes a first search transfers (issue 17): serves a built site over HTTP
// with gzip, as a host would, opens recherche/index.html in Chromium with a
// query of two words, waits for its results and sums what the browser's own
// resource timing says it transferred (the page and every script, style
// sheet and index piece). The two words are the first word of five letters
// or more of an offer's title and its commune, in the cartography's open
// data. Exported for tests/browser.js; alone, prints one line:
// usage: node tests/search_weight.js OUT [BUDGET_KB [QUERY]]
"use strict";
const fs = require("fs");
const http = require("http");
const path = require("path");
const zlib = require("zlib");

const types = { ".html": "text/html", ".js": "text/javascript", ".css": "text/css", ".svg": "image/svg+xml" };

function serve(dir) {
  const server = http.createServer((req, res) => {
    const rel = decodeURIComponent(new URL(req.url, "http://x").pathname);
    const file = path.join(dir, rel.endsWith("/") ? rel + "index.html" : rel);
    if (!file.startsWith(dir + path.sep) || !fs.existsSync(file) || !fs.statSync(file).isFile()) {
      res.writeHead(404);
      res.end();
      return;
    }
    const body = zlib.gzipSync(fs.readFileSync(file));
    res.writeHead(200, { "Content-Type": (types[path.extname(file)] || "application/octet-stream") + "; charset=utf-8",
      "Content-Encoding": "gzip", "Cache-Control": "no-store" });
    res.end(body);
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(server)));
}

function twoWords(dir) {
  const data = path.join(dir, "data/cartographies");
  for (const f of fs.readdirSync(data).filter((n) => /^[^-]+\.geojson$/.test(n)).sort()) {
    for (const feat of JSON.parse(fs.readFileSync(path.join(data, f), "utf8")).features) {
      const p = feat.properties;
      const w = (p.intitule || "").split(/[^\p{L}]+/u).find((x) => x.length >= 5);
      if (w && p.commune) return w + " " + p.commune.split(/[^\p{L}]+/u)[0];
    }
  }
  return "formation paris";
}

// Returns { query, results, bytes, files }.
async function measure(browser, dir, query) {
  dir = path.resolve(dir);
  const server = await serve(dir);
  try {
    query = query || twoWords(dir);
    const page = await browser.newPage();
    await page.goto(`http://127.0.0.1:${server.address().port}/recherche/index.html?q=` + encodeURIComponent(query));
    await page.waitForFunction(() => /résultat/.test(document.getElementById("search-status").textContent), null, { timeout: 60000 });
    const r = await page.evaluate(() => {
      const all = performance.getEntriesByType("navigation").concat(performance.getEntriesByType("resource"));
      return { bytes: all.reduce((s, e) => s + e.transferSize, 0), files: all.length,
        results: document.querySelectorAll("#search-results li").length };
    });
    await page.close();
    return Object.assign({ query }, r);
  } finally {
    server.close();
  }
}

module.exports = { measure, serve };

if (require.main === module) {
  const { chromium } = require("playwright-core");
  (async () => {
    const browser = await chromium.launch({ executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
      args: ["--no-sandbox", "--disable-gpu"] });
    const r = await measure(browser, process.argv[2], process.argv[4]);
    await browser.close();
    const budget = Number(process.argv[3] || 100);
    const ok = r.results > 0 && r.bytes <= budget * 1024;
    console.log(`${ok ? "ok" : "FAIL"} search-weight: « ${r.query} »: ${r.results} results shown, ` +
      `${(r.bytes / 1024).toFixed(1)} KB transferred in ${r.files} files (budget ${budget} KB)`);
    process.exit(ok ? 0 : 1);
  })().catch((e) => { console.log("FAIL search-weight: " + e.message); process.exit(1); });
}
