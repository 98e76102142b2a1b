"""The parcours pages of a build list only offers that recruit (issue 16's
review: a closed course and a suspended one were listed at step A1.1): rule
3 of the suites (README, "Suites de parcours"), an open session, or
permanent entries and no closed or suspended session, read from offres.csv
(etat_recrutement "ouvert", or "" with entrees_sorties "permanentes"). Both
the page without JavaScript (its links to offers) and the pieces its script
reads (donnees/<dep>.js) are checked, and a page whose cartography has
offers that do not recruit says how many it left out ("ne sont pas
listées" / "n'est pas listée").

usage: python3 tests/parcours_open.py OUTPUT_DIR
Prints one line per fault, exits 1 when there is one.
"""
import csv
import glob
import json
import os
import re
import sys

out = sys.argv[1]
recruits = {}
with open(os.path.join(out, "data", "offres.csv"), encoding="utf-8-sig", newline="") as f:
    for r in csv.DictReader(f, delimiter=";"):
        recruits[(r["organisme_id"], r["offre_id"])] = (
            r["etat_recrutement"] == "ouvert" or (r["etat_recrutement"] == "" and r["entrees_sorties"] == "permanentes"))
faults, listed, said = [], 0, 0
for page in sorted(glob.glob(os.path.join(out, "cartographies", "*", "parcours", "index.html"))):
    where = os.path.relpath(page, out)
    text = open(page, encoding="utf-8").read()
    steps = re.findall(r'<li class="etape" id="[^"]*">(.*?)</li>\n(?=<li class="etape"|</ol>)', text, re.S)
    offers = [(o, i) for s in steps for o, i in re.findall(r'organismes/([^/"]+)/index\.html#offre-([^"]+)"', s)]
    for piece in glob.glob(os.path.join(os.path.dirname(page), "donnees", "*.js")):
        body = open(piece, encoding="utf-8").read()
        data = json.loads(body[body.index("{"):body.rindex("}") + 1])
        orgs = [re.search(r"organismes/([^/]+)/", o[1]).group(1) for o in data["o"]]
        offers += [(orgs[r[0]], r[1]) for r in data["r"]]
    for key in offers:
        listed += 1
        if key not in recruits:
            faults.append(f"{where}: {key} is not in offres.csv")
        elif not recruits[key]:
            faults.append(f"{where}: {key} is listed but does not recruit")
    said += len(re.findall(r"ne sont pas listées|n&#39;est pas listée", text))
if not listed:
    faults.append("no offer listed on any parcours page")
if not any(not v for v in recruits.values()):
    faults.append("offres.csv has no offer that does not recruit: nothing to check")
elif not said:
    faults.append("no parcours page says how many offers it left out")
for f in faults[:20]:
    print(f)
sys.exit(1 if faults else 0)
