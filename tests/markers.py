"""The markers of every cartography map of a build: none hides another, and
each one's accessible name holds every organisation of its offers.

usage: python3 tests/markers.py OUTPUT_DIR
A marker hides another on its map (a page may hold several) when their
centres are closer than a single marker's radius (6.5 px): the count of one
lies under the other. The organisations of a marker are read from the cards
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
marker = re.compile(r'<a href="[^"]*" data-cards="([^"]*)" aria-label="([^"]*)"><circle class="marker[a-z ]*" '
                    r'cx="([0-9.]+)" cy="([0-9.]+)"')
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
for page in pages:
    text = open(page, encoding="utf-8").read()
    orgs = {m.group(1): html.unescape(m.group(2)) for m in card.finditer(text)}
    # Each map of the page on its own (the region's and its zoom on Paris
    # and the petite couronne have their own drawings).
    maps = [marker.findall(part.split("</svg>")[0]) for part in text.split('<svg class="map"')[1:]]
    for m, i, (cards, label, x, y) in [(m, i, mk) for m in maps for i, mk in enumerate(m)]:
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
        for cards2, label2, x2, y2 in m[i + 1:]:
            d = ((float(x) - float(x2)) ** 2 + (float(y) - float(y2)) ** 2) ** 0.5
            if d < 6.5:
                faults.append("%s: %r and %r are %.1f px apart" % (page, label, label2, d))
for f in faults[:20]:
    print(f)
if not pages:
    print("no cartography page in " + out)
sys.exit(1 if faults or not pages else 0)
