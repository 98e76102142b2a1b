"""The legends of every cartography map of a build: every colour a marker
can take is in its legend, named by the types it stands for, and distinct
types have distinct colours but for the neutral one (issue 16's review: the
palette had 10 colours for 11 types, and the legend named only the
cartography's selected types).

usage: python3 tests/legend.py OUTPUT_DIR VOCABULAIRES_YAML
A page's types are those of its cards (data-types) and of its legend's
data-couleurs ("code colour …", "*" an offer of no known type); a marker
takes the colour of one of its offers' types, or #1e1e1e for several
(listed as "plusieurs types"). The labels come from the vocabulary's
types_offre (code:, then libelle:). Prints one line per fault, exits 1 when
there is one.
"""
import glob
import html
import os
import re
import sys

out, vocab = sys.argv[1], sys.argv[2]
labels, code, section = {}, None, False
for line in open(vocab, encoding="utf-8"):
    if re.match(r"^\S", line):
        section = line.startswith("types_offre:")
        continue
    m = re.match(r"^  ([a-z0-9-]+):\s*(.*)$", line)
    if section and m:
        code = m.group(1)
        v = re.match(r'^"(.*)"$', m.group(2)) or re.search(r'libelle:\s*"([^"]*)"', m.group(2))
        if v:
            labels[code] = v.group(1)
    v = re.match(r'^    libelle:\s*"(.*)"$', line)
    if section and v and code:
        labels[code] = v.group(1)
faults, pages = [], 0
for path in sorted(glob.glob(os.path.join(out, "cartographies", "**", "index.html"), recursive=True)):
    text = open(path, encoding="utf-8").read()
    m = re.search(r'<ul class="legend" data-couleurs="([^"]*)">(.*?)</ul>', text, re.S)
    if not m:
        continue
    pages += 1
    where = os.path.relpath(path, out)
    colours = dict(re.findall(r"(\S+) (\S+)", m.group(1)))
    legend = {}
    for fill, name in re.findall(r'<li><svg[^>]*><circle [^>]*fill="([^"]+)"/></svg> ([^<]*)</li>', m.group(2)):
        legend.setdefault(fill, []).append(html.unescape(name).strip())
    neutral = colours.get("*")
    by_colour = {}
    for c, fill in colours.items():
        if c != "*":
            by_colour.setdefault(fill, []).append(c)
    for fill, codes in by_colour.items():
        if len(codes) > 1 and fill != neutral:
            faults.append(f"{where}: types {', '.join(codes)} share the colour {fill}")
    used = set()
    for t in re.findall(r'<li class="card"[^>]* data-types="([^"]*)"', text):
        used.update(t.split() or ["*"])
    for c in sorted(used):
        fill = colours.get(c, neutral)
        names = " ".join(legend.get(fill, []))
        if fill not in legend:
            faults.append(f"{where}: the colour {fill} of type {c} is not in the legend")
        elif c != "*" and labels.get(c, c) not in names:
            faults.append(f"{where}: the legend's entry for {fill} does not name {labels.get(c, c)}")
    for fill in set(re.findall(r'<circle class="marker[a-z ]*" [^>]*fill="([^"]+)"', text)):
        if fill not in legend:
            faults.append(f"{where}: a marker's colour {fill} is not in the legend")
if not pages:
    faults.append("no legend found")
for f in faults:
    print(f)
sys.exit(1 if faults else 0)
