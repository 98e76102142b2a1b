"""Checks the suites de parcours of a built site against the rule written in
the README, recomputed here from offres.csv by brute force (every pair), an
implementation independent of carto's index: every suite listed obeys the
rule, each list is in order (same département first, then distance), no
offer left out is better than the last one listed (none at all when fewer
than five are listed), a suite on another scale than its offer's comes
through a correspondence between scales (correspondances_echelles) and says
so, distances agree with haversine on the CSV's
coordinates to 0.01 km, and suites.json says what suites.csv says.
Usage: suites_check.py DATA_DIR VOCABULAIRES_YAML. Prints problems, exits 1
when there are some."""
import csv
import json
import math
import sys

import yaml

data, vocab_file = sys.argv[1], sys.argv[2]
TOL = 0.01
vocab = yaml.safe_load(open(vocab_file, encoding="utf-8"))
scales = {k: {lv["code"]: lv["rang"] for lv in v["niveaux"]} for k, v in vocab["echelles"].items()}
# Correspondences between scales, read both ways: (scale, level) -> the
# (scale, level) pairs declared the same step.
same_step = {}
for c in vocab.get("correspondances_echelles") or []:
    for p in c["niveaux"]:
        same_step.setdefault((c["de"], p["de"]), []).append((c["vers"], p["vers"]))
        same_step.setdefault((c["vers"], p["vers"]), []).append((c["de"], p["de"]))


def read(name):
    with open(f"{data}/{name}", encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f, delimiter=";"))


offers = {}
for r in read("offres.csv"):
    key = (r["organisme_id"], r["offre_id"])
    o = offers.setdefault(key, dict(r, lieux=[]))
    o["lieux"].append((r["lieu_id"], r["departement"], float(r["latitude"]), float(r["longitude"])))


def km(a, b):
    p = math.pi / 180
    h = (math.sin((b[2] - a[2]) * p / 2) ** 2 +
         math.cos(a[2] * p) * math.cos(b[2] * p) * math.sin((b[3] - a[3]) * p / 2) ** 2)
    return 2 * 6371 * math.asin(math.sqrt(min(1, h)))


def publics(o):
    return [p for p in o["publics"].split(" | ") if p]


def follows(a, b):
    """The rule without the order: returns why not, or None."""
    if a is b:
        return "same offer"
    sa, sc = scales.get(a["echelle"]), scales.get(b["echelle"])
    if not sa or a["niveau_vise"] not in sa or not sc:
        return "scale"
    # The levels of b's scale that are a's target: itself on one scale,
    # else those a correspondence pairs with it.
    if b["echelle"] == a["echelle"]:
        targets = [a["niveau_vise"]]
    else:
        targets = [lv for s2, lv in same_step.get((a["echelle"], a["niveau_vise"]), []) if s2 == b["echelle"]]
    if not targets:
        return "scale"
    if not b["niveau_vise"] or not (b["niveau_entree_min"] or b["niveau_entree_max"]):
        return "levels"
    lo = sc[b["niveau_entree_min"]] if b["niveau_entree_min"] else min(sc.values())
    hi = sc[b["niveau_entree_max"]] if b["niveau_entree_max"] else max(sc.values())
    if not any(lo <= sc[t] <= hi and sc[b["niveau_vise"]] > sc[t] for t in targets):
        return "level not taken"
    pb = publics(b)
    if pb and "tous-publics" not in pb and not set(pb) & set(publics(a)):
        return "public"
    if not (b["etat_recrutement"] == "ouvert" or
            (b["etat_recrutement"] == "" and b["entrees_sorties"] == "permanentes")):
        return "recruitment"
    return None


def key(a, b):
    """(other département, km) of the best pair of lieux."""
    return min((0 if la[1] == lb[1] else 1, km(la, lb)) for la in a["lieux"] for lb in b["lieux"])


def worse(k1, k2):
    return k1[0] > k2[0] or (k1[0] == k2[0] and k1[1] > k2[1] + TOL)


problems = []
listed = {}
for r in read("suites.csv"):
    listed.setdefault((r["organisme_id"], r["offre_id"]), []).append(r)
for akey, a in offers.items():
    rows = listed.get(akey, [])
    got = []
    for r in rows:
        b = offers.get((r["suite_organisme_id"], r["suite_offre_id"]))
        why = follows(a, b) if b else "unknown offer"
        if why:
            problems.append(f"{akey} -> {r['suite_offre_id']}: {why}")
            continue
        if (b["echelle"] != a["echelle"]) != ("correspond" in r["raison"]):
            problems.append(f"{akey} -> {r['suite_offre_id']}: the reason {r['raison']!r} does not say the scales")
        k = key(a, b)
        if abs(k[1] - float(r["distance_km"])) > TOL or (k[0] == 0) != (r["meme_departement"] == "oui"):
            problems.append(f"{akey} -> {r['suite_offre_id']}: {k} vs {r['distance_km']} {r['meme_departement']}")
        got.append((k, b))
    for i in range(1, len(got)):
        if worse(got[i - 1][0], got[i][0]):
            problems.append(f"{akey}: suites out of order at {i + 1}")
    chosen = {id(b) for _, b in got}
    others = [key(a, b) for b in offers.values() if id(b) not in chosen and not follows(a, b)]
    if len(rows) > 5 or (len(rows) < 5 and others):
        problems.append(f"{akey}: {len(rows)} suites listed, {len(others)} more eligible")
    elif others and got and any(worse(got[-1][0], k) for k in others):
        problems.append(f"{akey}: an offer left out is nearer than the last suite")

js = json.load(open(f"{data}/suites.json", encoding="utf-8"))
flat = [(o["organisme_id"], o["offre_id"], s["suite_organisme_id"], s["suite_offre_id"], s["rang"])
        for o in js for s in o["suites"]]
csv_flat = [(r["organisme_id"], r["offre_id"], r["suite_organisme_id"], r["suite_offre_id"], int(r["rang"]))
            for r in read("suites.csv")]
if flat != csv_flat:
    problems.append("suites.json and suites.csv differ")
n_listed = sum(len(v) for v in listed.values())
if not n_listed:
    problems.append("no suite at all")
for p in problems[:20]:
    print(p)
sys.exit(1 if problems else 0)
