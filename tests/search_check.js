// Runs the theme's real search script (assets/search.js) under node over the
// search index of a built site (recherche/index.js), with the few DOM calls
// it makes stubbed, and checks what each query finds.
// Usage: node tests/search_check.js OUT 'query=>expected title part' ...
// ("query=>" alone: the query finds nothing). Prints ok/FAIL lines.
"use strict";
const fs = require("fs");
const path = require("path");
const vm = require("vm");

const out = process.argv[2];
const code = fs.readFileSync(path.join(out, "recherche/index.js"), "utf8") + "\n" +
  fs.readFileSync(path.join(out, "assets/search.js"), "utf8");

function element() {
  return {
    kids: [], textContent: "", value: "", className: "", href: "", listeners: {},
    appendChild(k) { this.kids.push(k); },
    addEventListener(ev, f) { this.listeners[ev] = f; },
  };
}

// Loads the scripts once; each query is typed into the field as a user would.
const els = { "search-results": element(), "search-status": element(), q: element() };
const list = els["search-results"];
Object.defineProperty(list, "textContent", { set() { this.kids = []; }, get() { return ""; } });
const window = {
  location: { search: "", href: "file:///recherche/index.html" },
  history: { replaceState() {} },
};
const ctx = {
  window, URLSearchParams, URL,
  document: { getElementById: (id) => els[id], createElement: () => element() },
};
vm.runInNewContext(code, ctx);

let failed = 0;
for (const arg of process.argv.slice(3)) {
  const [query, want] = arg.split("=>");
  els.q.value = query;
  els.q.listeners.input();
  const titles = list.kids.map((li) => li.kids[1].textContent);
  const ok = want ? titles.some((t) => t.includes(want)) : titles.length === 0;
  if (!ok) failed++;
  console.log((ok ? "ok " : "FAIL ") + "search/" + query + (ok ? "" :
    "\n  expected " + (want ? "a result titled …" + want + "…" : "no result") +
    ", got: " + (titles.slice(0, 5).join(" | ") || "nothing")));
}
process.exit(failed ? 1 : 0);
