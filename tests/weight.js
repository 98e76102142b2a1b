// The weight budget of a built site (issue 17): for every HTML page, the page
// plus the style sheets and scripts it loads before it is usable (its
// <link rel="stylesheet"> and <script src> elements, local files only), each
// compressed with gzip at zlib's default level as a server would send it.
// A file shared by many pages is compressed once. Prints a Markdown table:
// pages measured, the median and the largest weights, the largest pages by
// name, then "over budget" lines; exits 1 when a page weighs more than the
// budget.
// usage: node tests/weight.js OUT BUDGET_KB [TOP]
"use strict";
const fs = require("fs");
const path = require("path");
const zlib = require("zlib");

const out = path.resolve(process.argv[2] || "output");
const budget = Number(process.argv[3] || 150) * 1024;
const top = Number(process.argv[4] || 5);

const gz = new Map();
function gzipped(file) {
  if (!gz.has(file)) {
    let n = -1;
    try {
      n = zlib.gzipSync(fs.readFileSync(file)).length;
    } catch (err) {
      n = -1;	// a missing file weighs nothing; the link checks report it
    }
    gz.set(file, n);
  }
  return gz.get(file);
}

function* htmlFiles(dir) {
  for (const e of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name < b.name ? -1 : 1)) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) yield* htmlFiles(p);
    else if (e.name.endsWith(".html")) yield p;
  }
}

// The local files a page loads before it is usable.
const loadRe = /<script\b[^>]*\bsrc="([^"]+)"|<link\b(?=[^>]*\brel="stylesheet")[^>]*\bhref="([^"]+)"/g;
function loads(file, html) {
  const got = [];
  for (const m of html.matchAll(loadRe)) {
    const ref = (m[1] || m[2]).replace(/&amp;/g, "&");
    if (/^[a-z]+:|^\/\//i.test(ref)) continue;
    got.push(path.resolve(path.dirname(file), ref.split(/[?#]/)[0]));
  }
  return got;
}

const rows = [];
for (const file of htmlFiles(out)) {
  const html = fs.readFileSync(file, "utf8");
  const page = zlib.gzipSync(html).length;
  let data = 0;
  for (const f of new Set(loads(file, html))) data += Math.max(0, gzipped(f));
  rows.push({ name: path.relative(out, file), page, data, total: page + data });
}
rows.sort((a, b) => b.total - a.total || (a.name < b.name ? -1 : 1));
const kb = (n) => (n / 1024).toFixed(1);
const median = rows.length ? rows[Math.floor(rows.length / 2)].total : 0;
const over = rows.filter((r) => r.total > budget);
console.log("| pages | median KB gz | largest KB gz | budget KB gz | over budget |");
console.log("|---:|---:|---:|---:|---:|");
console.log(`| ${rows.length} | ${kb(median)} | ${kb(rows.length ? rows[0].total : 0)} | ${kb(budget)} | ${over.length} |`);
console.log("");
console.log("| largest pages | page KB gz | scripts and styles KB gz | total KB gz |");
console.log("|---|---:|---:|---:|");
for (const r of rows.slice(0, top))
  console.log(`| ${r.name} | ${kb(r.page)} | ${kb(r.data)} | ${kb(r.total)} |`);
for (const r of over.slice(0, 20))
  console.error(`weight: ${r.name}: ${kb(r.total)} KB gz, over the budget of ${kb(budget)} KB`);
if (over.length > 20) console.error(`weight: … and ${over.length - 20} more pages over budget`);
process.exit(over.length ? 1 : 0);
