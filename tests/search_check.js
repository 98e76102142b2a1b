// Runs the theme's real search script (assets/search.js) under node over the
// search index in pieces of a built site (recherche/), with the few DOM calls
// it makes stubbed: a script element appended to the head runs that file of
// recherche/ and fires its load event, as in a browser.
// usage: node tests/search_check.js OUT 'query=>expected title part' ...
//   ("query=>" alone: the query finds nothing; "query=>^part": the first
//   result's title holds part). Prints ok/FAIL lines.
// usage: node tests/search_check.js OUT --equal [QUERIES] [SEED]
//   Reads the whole index (every piece) and, for QUERIES queries computed
//   from it (words of documents, their beginnings, one-letter typos, pairs),
//   checks that the script, loading only the pieces it needs, finds the same
//   documents in the same order as a plain search of the whole index written
//   here; then that every document is found by its own title (its words as
//   the browser folds them are the words carto indexed). Prints the pieces
//   and bytes a query loads, on average and at most.
"use strict";
const fs = require("fs");
const path = require("path");
const vm = require("vm");

const out = process.argv[2];
const dir = path.join(out, "recherche");
const read = (rel) => fs.readFileSync(path.join(dir, rel), "utf8");
const searchJs = fs.readFileSync(path.join(out, "assets/search.js"), "utf8");

function element() {
  return {
    kids: [], textContent: "", value: "", className: "", href: "", hidden: false, listeners: {},
    appendChild(k) { this.kids.push(k); },
    addEventListener(ev, f) { this.listeners[ev] = f; },
  };
}

// A fresh page: the manifest and search.js run; pieces load on demand.
function page() {
  const els = { "search-results": element(), "search-status": element(), "search-more": element(), q: element() };
  const list = els["search-results"];
  Object.defineProperty(list, "textContent", { set() { this.kids = []; }, get() { return ""; } });
  const loaded = [];
  const ctx = vm.createContext({
    URLSearchParams, URL, Promise, Map, Math, parseInt, Error,
    location: { search: "", href: "file:///recherche/index.html" },
    history: { replaceState() {} },
  });
  ctx.window = ctx;
  ctx.document = {
    getElementById: (id) => els[id],
    createElement: () => element(),
    head: {
      appendChild(s) {
        setImmediate(() => {
          let code;
          try {
            code = read(s.src);
          } catch (err) {
            s.onerror();
            return;
          }
          loaded.push(s.src);
          vm.runInContext(code, ctx);
          s.onload();
        });
      },
    },
  };
  vm.runInContext(read("index.js") + "\n" + searchJs, ctx);
  return { ctx, els, list, loaded };
}

async function byTitle(args) {
  const p = page();
  let failed = 0;
  for (const arg of args) {
    const [query, want] = arg.split("=>");
    p.els.q.value = query;
    await p.els.q.listeners.input();
    const titles = p.list.kids.map((li) => li.kids[1].textContent);
    const ok = !want ? titles.length === 0
      : want[0] === "^" ? titles.length > 0 && titles[0].includes(want.slice(1)) : titles.some((t) => t.includes(want));
    if (!ok) failed++;
    console.log((ok ? "ok " : "FAIL ") + "search/" + query + (ok ? "" :
      "\n  expected " + (want ? "a result titled …" + want + "…" : "no result") +
      ", got: " + (titles.slice(0, 5).join(" | ") || "nothing")));
  }
  return failed;
}

// The whole index, read piece by piece: terms with their postings, documents.
function wholeIndex() {
  const terms = new Map(), docs = [], posts = {};
  const ctx = vm.createContext({});
  ctx.window = ctx;
  ctx.CARTO_SEARCH_DICT = () => {};
  ctx.CARTO_SEARCH_POST = (i, map) => { posts[i] = map; };
  ctx.CARTO_SEARCH_DOCS = (i, list) => { list.forEach((d, k) => { docs[i * ctx.CARTO_SEARCH.chunk + k] = d; }); };
  vm.runInContext(read("index.js"), ctx);
  for (const sub of ["p", "docs"])
    for (const f of fs.readdirSync(path.join(dir, sub))) vm.runInContext(read(sub + "/" + f), ctx);
  for (const map of Object.values(posts))
    for (const [t, s] of Object.entries(map)) {
      let id = 0;
      terms.set(t, s.split(",").map((x) => {
        const v = parseInt(x, 36);
        id += Math.floor(v / 2);
        return [id, v % 2];
      }));
    }
  return { terms, docs };
}

// Optimal string alignment distance, the textbook way.
function osa(a, b) {
  const d = [];
  for (let i = 0; i <= a.length; i++) {
    d.push([i]);
    for (let j = 1; j <= b.length; j++) {
      if (i === 0) { d[0].push(j); continue; }
      let v = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, d[i - 2][j - 2] + 1);
      d[i].push(v);
    }
  }
  return d[a.length][b.length];
}

// The plain search of the whole index, by the rule search.js states.
function reference(index, words) {
  const per = words.map((w) => {
    const cw = Array.from(w), h = new Map();
    for (const [t, list] of index.terms) {
      const ct = Array.from(t);
      let how = 0;
      if (cw.length < 3) how = t === w ? 2 : 0;
      else if (t.startsWith(w)) how = 2;
      else if (cw.length >= 5 && ct[0] === cw[0] && ct[1] === cw[1]) {
        for (let n = cw.length - 1; n <= cw.length + 1 && !how; n++)
          if (n <= ct.length && osa(cw, ct.slice(0, n)) <= 1) how = 1;
      }
      if (!how) continue;
      for (const [id, title] of list)
        h.set(id, (h.get(id) || 0) | 1 | (title ? 2 : 0) | (how === 2 ? 4 : 0));
    }
    return h;
  });
  const rows = [];
  for (let id = 0; id < index.docs.length; id++) {
    if (!per.every((h) => h.has(id))) continue;
    rows.push([id, per.filter((h) => h.get(id) & 2).length, per.filter((h) => h.get(id) & 4).length]);
  }
  rows.sort((a, b) => b[1] - a[1] || b[2] - a[2] || a[0] - b[0]);
  return rows.map((r) => r[0]);
}

function queries(index, n, seed) {
  let x = seed >>> 0 || 1;
  const rnd = (k) => { x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0; return x % k; };
  const byDoc = new Map();
  for (const [t, list] of index.terms)
    for (const [id] of list) {
      if (!byDoc.has(id)) byDoc.set(id, []);
      byDoc.get(id).push(t);
    }
  const ids = Array.from(byDoc.keys());
  const pick = () => { const ts = byDoc.get(ids[rnd(ids.length)]); return Array.from(ts[rnd(ts.length)]); };
  const typo = (c) => {
    if (c.length < 5) return c;
    const i = 2 + rnd(c.length - 2), k = rnd(4), r = c.slice();
    if (k === 0) r[i] = r[i] === "e" ? "a" : "e";
    else if (k === 1) r.splice(i, 1);
    else if (k === 2) r.splice(i, 0, "x");
    else if (i + 1 < r.length) [r[i], r[i + 1]] = [r[i + 1], r[i]];
    return r;
  };
  const out = [];
  while (out.length < n) {
    const a = pick(), b = pick(), kind = out.length % 5;
    if (kind === 0) out.push([a.join("")]);
    else if (kind === 1) out.push([a.slice(0, 3 + rnd(3)).join("")]);
    else if (kind === 2) out.push([typo(a).join("")]);
    else if (kind === 3) out.push([a.join(""), b.join("")]);
    else out.push([a.slice(0, 4).join(""), typo(b).join("")]);
  }
  return out;
}

async function equal(n, seed) {
  const index = wholeIndex();
  let failed = 0, files = 0, bytes = 0, maxBytes = 0, checked = 0;
  for (const ws of queries(index, n, seed)) {
    const p = page();
    const got = await p.ctx.CARTO_SEARCH_RUN(ws.join(" "));
    const want = reference(index, ws);
    const size = p.loaded.reduce((s, f) => s + fs.statSync(path.join(dir, f)).size, 0);
    files += p.loaded.length;
    bytes += size;
    maxBytes = Math.max(maxBytes, size);
    checked++;
    if (JSON.stringify(got) !== JSON.stringify(want)) {
      failed++;
      console.log("FAIL search-equal/" + ws.join(" ") + "\n  pieces: " + got.slice(0, 8) +
        " (" + got.length + "), whole index: " + want.slice(0, 8) + " (" + want.length + ")");
    }
  }
  console.log((failed ? "FAIL " : "ok ") + "search-equal: " + checked + " queries, " +
    (files / checked).toFixed(1) + " pieces and " + Math.round(bytes / checked / 1024) +
    " KB (at most " + Math.round(maxBytes / 1024) + " KB, uncompressed) loaded a query");
  // Every document is found by its own title.
  const p = page();
  let lost = 0;
  const step = Math.max(1, Math.floor(index.docs.length / 2000));
  for (let id = 0; id < index.docs.length; id += step) {
    const t = index.docs[id][0];
    if (!/[\p{L}\p{N}]/u.test(t)) continue;
    const got = await p.ctx.CARTO_SEARCH_RUN(t);
    if (!got.includes(id)) {
      if (lost++ < 5) console.log("FAIL search-own-title: " + JSON.stringify(t) + " does not find document " + id);
    }
  }
  if (!lost) console.log("ok search-own-title");
  return failed + lost;
}

(async () => {
  const failed = process.argv[3] === "--equal"
    ? await equal(Number(process.argv[4] || 200), Number(process.argv[5] || 17))
    : await byTitle(process.argv.slice(3));
  process.exit(failed ? 1 : 0);
})().catch((e) => { console.log("FAIL search: " + e.stack); process.exit(1); });
