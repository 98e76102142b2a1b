"""The markers of every cartography map of a build: none hides another, and
each one's accessible name holds every organisation of its offers.

usage: python3 tests/markers.py OUTPUT_DIR
A marker covers another on its map (a page may hold several) when their
drawn circles overlap, the centres closer than the sum of their radii (the r
attribute: 6.5 for one lieu, 9 or 11 for a group): the count of one lies
under the other. Every map of every page holding one is checked (the
cartographies' region, zoom and département maps, and the maps of the
pages that embed a view). The organisations of a marker are read from the cards
it links to (data-cards, "r3 r7-r12"); its name lists every one of them
up to 12, else the first 11 and a count (issue 16). Prints one line per
fault and exits 1 when there is one.
"""
import glob
import html
import os
import re
import sys

out = sys.argv[1]
marker = re.compile(r'<a href="[^"]*" data-cards="([^"]*)"(?: data-noms="[^"]*")? aria-label="([^"]*)"><circle class="marker[a-z ]*" '
                    r'cx="([0-9.]+)" cy="([0-9.]+)" r="([0-9.]+)"')
card = re.compile(r'<li class="card" id="(r[0-9]+)"[^>]*>\s*<p class="card-title">.*?</p>\s*<p><a [^>]*>([^<]*)</a>',
                  re.S)
faults = []


def expand(cards):
    """The ids of data-cards="r3 r7-r12"."""
    ids = []
    for t in cards.split():
        a, _, b = t.partition("-")
        ids += ["r%d" % k for k in range(int(a[1:]), int((b or a)[1:]) + 1)]
    return ids


pages = sorted(glob.glob(os.path.join(out, "cartographies", "**", "index.html"), recursive=True))
# Pages embedding a view: their markers lead to the cartography page and
# carry no data-cards, so only their circles are checked.
others = [p for p in sorted(glob.glob(os.path.join(out, "**", "index.html"), recursive=True)) if p not in pages]
anywhere = re.compile(r'<circle class="marker[a-z ]*" cx="([0-9.]+)" cy="([0-9.]+)" r="([0-9.]+)"')
maps_seen = 0


def apart(page, circles, names):
    """A fault for each two circles of one map drawn over each other."""
    for i, (x, y, r) in enumerate(circles):
        for j in range(i + 1, len(circles)):
            x2, y2, r2 = circles[j]
            d = ((x - x2) ** 2 + (y - y2) ** 2) ** 0.5
            if d < r + r2:
                faults.append("%s: %r (r %g) and %r (r %g) are %.1f px apart" % (page, names[i], r, names[j], r2, d))


noms = re.compile(r'data-noms="([^"]*)" aria-label="([^"]*)"')
noms_seen = 0


def held(part, label, what):
    """The names of a part of data-noms ("12 30 +4") read from label, and
    the label's text they make, as carto writes it (html_carto.c, names)."""
    lens = [t for t in part.split() if not t.startswith("+")]
    more = [int(t[1:]) for t in part.split() if t.startswith("+")]
    got, pos = [], 0
    for i, n in enumerate(lens):
        if i:
            pos += 2 if label[pos] == "," else 4
        # data-noms counts UTF-16 code units, as a script's strings do.
        raw = label.encode("utf-16-le")[2 * pos:2 * (pos + int(n))].decode("utf-16-le")
        got.append(raw)
        pos += len(raw.encode("utf-16-le")) // 2
    text = ", ".join(got[:-1]) + (" et " if len(got) > 1 and not more else ", " if len(got) > 1 else "") + got[-1] if got else ""
    if more:
        text += " et %d autres %s" % (more[0], what)
    return text


def check_noms(page, text):
    """Each marker's data-noms gives the lengths of the names its name holds:
    read with them, the names make the name again."""
    global noms_seen
    for part, label in noms.findall(text):
        noms_seen += 1
        label = html.unescape(label)
        o, _, c = part.partition("/")
        who = held(o, label, "organismes")
        where = held(c, label[len(who) + 2:], "communes") if c else ""
        again = who + (", " + where if where else "")
        if not re.fullmatch(re.escape(again) + r" : [0-9]+ offres?", label):
            faults.append("%s: data-noms=%r does not read %r (%r)" % (page, part, label, again))


for page in others:
    text = open(page, encoding="utf-8").read()
    check_noms(page, text)
    for part in text.split('<svg class="map"')[1:]:
        circles = [tuple(map(float, m)) for m in anywhere.findall(part.split("</svg>")[0])]
        maps_seen += 1
        apart(page, circles, ["marker %d" % k for k in range(len(circles))])
for page in pages:
    text = open(page, encoding="utf-8").read()
    check_noms(page, text)
    orgs = {m.group(1): html.unescape(m.group(2)) for m in card.finditer(text)}
    # Each map of the page on its own (the region's and its zoom on Paris
    # and the petite couronne have their own drawings).
    maps = [marker.findall(part.split("</svg>")[0]) for part in text.split('<svg class="map"')[1:]]
    for m in maps:
        maps_seen += 1
        apart(page, [(float(x), float(y), float(r)) for _, _, x, y, r in m], [html.unescape(mk[1]) for mk in m])
    if not orgs and 'id="carto-morceaux"' in text:
        continue    # a large view: its rows, hence its names, come in pieces
    for m, i, (cards, label, x, y, r) in [(m, i, mk) for m in maps for i, mk in enumerate(m)]:
        label = html.unescape(label)
        names = []
        for c in expand(cards):
            if c in orgs and orgs[c] not in names:
                names.append(orgs[c])
        n = len(expand(cards))
        if not label.endswith(" : %d offre%s" % (n, "s" if n > 1 else "")):
            faults.append("%s: %r does not count %d offers" % (page, label, n))
        # Up to 12 organisations each is named; past that the first 11 and
        # "et N autres organismes" (the list names them all).
        if len(names) <= 12:
            missing = [o for o in names if o not in label]
            if missing or "autres organismes" in label:
                faults.append("%s: %r leaves out %s" % (page, label, missing or "some"))
        elif [o for o in names[:11] if o not in label] or \
                " et %d autres organismes" % (len(names) - 11) not in label:
            faults.append("%s: %r does not name 11 of %d organisations and count the others"
                          % (page, label[:80], len(names)))
for f in faults[:20]:
    print(f)
if len(faults) > 20:
    print("... %d faults in all" % len(faults))
if not pages or not maps_seen:
    print("no cartography page or no map in " + out)
sys.exit(1 if faults or not pages or not maps_seen else 0)
