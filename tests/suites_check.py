"""Checks the suites de parcours of a built site against the rule written in
the README, recomputed here from offres.csv by brute force (every pair), an
implementation independent of carto's index: every suite listed obeys the
rule, each list is in order (same département first, then distance, then
on equal distances organisation name and offer title in French order, then
the ids of organisation, offer and lieu), no
offer left out is better than the last one listed (none at all when fewer
than five are listed), a suite on another scale than its offer's comes
through a correspondence between scales (correspondances_echelles) and says
so, distances agree with haversine on the CSV's
coordinates to 0.01 km, and suites.json says what suites.csv says. A suite
may also come through a correspondence between référentiels (a CléA
preparation after Carte de compétences axes, README rule 1b), recomputed
from the published référentiels (data/referentiels/*.json: scales, entries,
their correspond_a links with niveau_de) and the offers' types and
competences (organismes.json); its reason names the sub-domains and axes
the rule finds.
Usage: suites_check.py DATA_DIR VOCABULAIRES_YAML. Prints problems, exits 1
when there are some."""
import csv
import glob
import json
import math
import re
import sys
import unicodedata

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


# The référentiels as published: their own scales ("ref:scale" in an offer's
# echelle), their entries (kind, competence of a criterion, niveau) and the
# links of their correspondences, from the 'de' side.
entries, links, ref_scale = {}, [], {}
for path in sorted(glob.glob(f"{data}/referentiels/*.json")):
    r = json.load(open(path, encoding="utf-8"))
    if r.get("echelle"):
        ref_scale[r["id"]] = f"{r['id']}:{r['echelle']['id']}"
        scales[ref_scale[r["id"]]] = {lv["code"]: lv["rang"] for lv in r["echelle"]["niveaux"]}
    ents = entries.setdefault(r["id"], {})
    for d in r["domaines"]:
        for c in d.get("competences", []):
            ents[c["code"]] = ("competence", None, None)
            for x in c.get("correspond_a", []):
                links.append((r["id"], c["code"], x["referentiel"], x["codes"], x.get("niveau_de")))
            for k in c.get("criteres", []):
                ents[k["code"]] = ("critere", c["code"], k.get("niveau"))
                for x in k.get("correspond_a", []):
                    links.append((r["id"], k["code"], x["referentiel"], x["codes"], x.get("niveau_de")))


def read(name):
    with open(f"{data}/{name}", encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f, delimiter=";"))


offers = {}
for r in read("offres.csv"):
    key = (r["organisme_id"], r["offre_id"])
    o = offers.setdefault(key, dict(r, lieux=[]))
    o["lieux"].append((r["lieu_id"], r["departement"], float(r["latitude"]), float(r["longitude"])))


orgs = json.load(open(f"{data}/organismes.json", encoding="utf-8"))["organismes"]
for org in orgs:
    for of in org["offres"]:
        o = offers.get((org["id"], of["id"]))
        if o:
            o["competences"] = of.get("competences") or []
            o["types_list"] = of.get("types") or []


def km(a, b):
    p = math.pi / 180
    h = (math.sin((b[2] - a[2]) * p / 2) ** 2 +
         math.cos(a[2] * p) * math.cos(b[2] * p) * math.sin((b[3] - a[3]) * p / 2) ** 2)
    return 2 * 6371 * math.asin(math.sqrt(min(1, h)))


def publics(o):
    return [p for p in o["publics"].split(" | ") if p]


def reaches(a, link):
    """a works the link's 'de' code at its level (README rule 1b)."""
    rid, code, _, _, need = link
    kind, parent, niveau = entries.get(rid, {}).get(code, (None, None, None))
    comp = set(a["competences"])
    if f"{rid}:{code}" not in comp:
        if kind != "critere" or f"{rid}:{parent}" not in comp:
            return False
        need = need or niveau
    if not need:
        return True
    sc = scales.get(a["echelle"])
    return a["echelle"] == ref_scale.get(rid) and a["niveau_vise"] in sc and sc[a["niveau_vise"]] >= sc[need]


def chain(a, b):
    """The sub-domains (in b's order) and axes that make b a suite of a
    through a correspondence between référentiels; ([], set()) when none."""
    codes, axes = [], set()
    for link in links:
        vers = link[2]
        if vers not in b["types_list"] or vers in a["types_list"] or not reaches(a, link):
            continue
        hit = [c.split(":", 1)[1] for c in b["competences"]
               if c.startswith(vers + ":") and c.split(":", 1)[1] in link[3]]
        if hit:
            axes.add(link[1])
            codes += [c for c in hit if c not in codes]
    order = [c.split(":", 1)[1] for c in b["competences"]]
    return sorted(codes, key=order.index), axes


def level_rule(a, b):
    """Rule 1 (levels): returns why not, or None."""
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
    return None


def follows(a, b):
    """The rule without the order: returns why not, or None."""
    if a is b:
        return "same offer"
    why = level_rule(a, b)
    if why and not chain(a, b)[0]:
        return why
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


def fold(text):
    """French order's first level, near enough for ties: no accents, no case."""
    return "".join(ch for ch in unicodedata.normalize("NFD", text) if not unicodedata.combining(ch)).casefold()


def tie_key(b, r):
    """The order of suites at the same distance (README, rule 5)."""
    return (fold(b["organisme_nom"]), fold(b["intitule"]), b["organisme_id"], b["offre_id"], r["suite_lieu_id"])


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
        m = re.match(r"Prépare [^:]+\u00a0: les? \S+ (.+?) correspond(?:ent)? (?:aux \S+|au \S+|à l'\S+) (.+?) travaillés? ici", r["raison"])
        if r["raison"].startswith("Prépare"):
            codes, axes = chain(a, b)
            said = re.split(r", | et ", m.group(1)) if m else None
            if not m or said != codes or set(re.split(r", | et ", m.group(2))) != axes:
                problems.append(f"{akey} -> {r['suite_offre_id']}: the reason {r['raison']!r} is not "
                                f"the chain {codes} from {sorted(axes)}")
        elif level_rule(a, b):
            problems.append(f"{akey} -> {r['suite_offre_id']}: a level reason for a suite through a table")
        elif (b["echelle"] != a["echelle"]) != ("correspond" in r["raison"]):
            problems.append(f"{akey} -> {r['suite_offre_id']}: the reason {r['raison']!r} does not say the scales")
        k = key(a, b)
        if abs(k[1] - float(r["distance_km"])) > TOL or (k[0] == 0) != (r["meme_departement"] == "oui"):
            problems.append(f"{akey} -> {r['suite_offre_id']}: {k} vs {r['distance_km']} {r['meme_departement']}")
        got.append((k, b, r))
    for i in range(1, len(got)):
        if worse(got[i - 1][0], got[i][0]):
            problems.append(f"{akey}: suites out of order at {i + 1}")
        elif (got[i - 1][0][0] == got[i][0][0] and abs(got[i - 1][0][1] - got[i][0][1]) < 1e-9 and
              tie_key(got[i - 1][1], got[i - 1][2]) > tie_key(got[i][1], got[i][2])):
            problems.append(f"{akey}: suites at the same distance out of order at {i + 1}: "
                            f"{tie_key(got[i - 1][1], got[i - 1][2])} before {tie_key(got[i][1], got[i][2])}")
    chosen = {id(b) for _, b, _ in got}
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
