"""Every lieu has its map links: "Voir sur OpenStreetMap / itinéraire" and a
geo: link, on its organisation's page and in its fiche (PDF), with the lieu's
coordinates in the address and nothing else.

usage: python3 tests/lieu_links.py OUTPUT_DIR
The lieux are read from the open data: every lieu of organismes.json, and
every lieu of an offer in offres.csv (its latitude and longitude). The
organisation's page must hold, in the card of each lieu (id lieu-<id>), the
three links written from those coordinates (five decimals), a note when
they are the commune's centre (position "commune"), and as many
such cards as the organisation has lieux; the fiche's text must show the
geo: URI of each lieu, and link the three addresses. Prints one line per fault, exits 1 when there is one.
"""
import csv
import html
import json
import os
import re
import subprocess
import sys

out = sys.argv[1]
faults = []
orgs = json.load(open(os.path.join(out, "data", "organismes.json"), encoding="utf-8"))["organismes"]
lieux = {(o["id"], l["id"]): (l["latitude"], l["longitude"]) for o in orgs for l in o["lieux"]}
with open(os.path.join(out, "data", "offres.csv"), encoding="utf-8-sig") as f:
    for row in csv.DictReader(f, delimiter=";"):
        key = (row["organisme_id"], row["lieu_id"])
        pos = (float(row["latitude"]), float(row["longitude"]))
        if key not in lieux:
            faults.append("%s/%s: in offres.csv, not in organismes.json" % key)
        elif lieux[key] != pos:
            faults.append("%s/%s: %s in offres.csv, %s in organismes.json" % (key + (pos, lieux[key])))
card = re.compile(r'<li class="card" id="lieu-([a-z0-9-]+)">(.*?)</li>', re.S)
total = 0
for o in orgs:
    page = open(os.path.join(out, "organismes", o["id"], "index.html"), encoding="utf-8").read()
    cards = dict(card.findall(page))
    pdf = os.path.join(out, "pdf", "organismes", o["id"] + ".pdf")
    fiche = subprocess.run(["pdftotext", pdf, "-"], capture_output=True, text=True).stdout
    uris = re.findall(r"/URI \((.*)\)", subprocess.run(["qpdf", "--qdf", "--object-streams=disable", pdf, "-"],
                                                       capture_output=True).stdout.decode("latin-1"))
    for l in o["lieux"]:
        lat, lon = "%.5f" % l["latitude"], "%.5f" % l["longitude"]
        want = ["https://www.openstreetmap.org/?mlat=%s&mlon=%s#map=17/%s/%s" % (lat, lon, lat, lon),
                "https://www.openstreetmap.org/directions?route=%%3B%s%%2C%s" % (lat, lon),
                "geo:%s,%s" % (lat, lon)]
        got = [html.unescape(h) for h in re.findall(r'<a href="([^"]*)"', cards.get(l["id"], ""))]
        if (l["position"] != "lieu") != ("Position approchée" in cards.get(l["id"], "")):
            faults.append("%s/%s: position %s, said approximate or not wrongly" % (o["id"], l["id"], l["position"]))
        if got != want:
            faults.append("%s/%s: links %s, expected %s" % (o["id"], l["id"], got, want))
        else:
            total += 1
        if any(w not in uris for w in want):
            faults.append("%s/%s: the fiche's links are %s" % (o["id"], l["id"], uris))
        if want[2] not in fiche:
            faults.append("%s/%s: the fiche does not show %s" % (o["id"], l["id"], want[2]))
        if "Voir sur OpenStreetMap / itinéraire" not in fiche:
            faults.append("%s: the fiche has no OpenStreetMap link" % o["id"])
if total != len(lieux):
    faults.append("%d lieux have their links, of %d" % (total, len(lieux)))
for f in faults[:20]:
    print(f)
sys.exit(1 if faults or not lieux else 0)
