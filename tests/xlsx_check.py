#!/usr/bin/env python3
"""Reads back every workbook of a build with openpyxl, an independent reader,
and compares it with the CSV and JSON extracts of the same build.

    xlsx_check.py OUT                 every workbook of the build in OUT
    xlsx_check.py --text OUT VALUE    VALUE is stored as text in every workbook
                                      of offers that has rows

Prints one "ok NAME" or "FAIL NAME: why" line per check (run.sh counts them).
"""
import csv
import datetime
import glob
import json
import os
import sys

import openpyxl
from openpyxl.utils import get_column_letter

results = []


def check(name, cond, why=""):
    print(("ok " if cond else "FAIL ") + "xlsx/" + name + ("" if cond or not why else ": " + str(why)))
    results.append(cond)


def rows_of(ws):
    it = ws.iter_rows(values_only=True)
    head = list(next(it))
    return head, [list(r) for r in it]


def csv_rows(path):
    with open(path, encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f, delimiter=";"))
    return [dict(zip(rows[0], r)) for r in rows[1:]]


def sheet_layout(name, ws, head, n):
    """Frozen header, autofilter over every row, widths set from the data."""
    last = get_column_letter(len(head))
    check(name + "/frozen-header", ws.freeze_panes == "A2", ws.freeze_panes)
    check(name + "/autofilter", ws.auto_filter.ref == "A1:%s%d" % (last, n + 1), ws.auto_filter.ref)
    widths = [ws.column_dimensions[get_column_letter(i + 1)].width for i in range(len(head))]
    check(name + "/widths", all(w and 4 <= w <= 62 for w in widths), widths[:8])


def typed(name, head, rows, col, kinds):
    """Every non-empty cell of a column has one of the given Python types."""
    i = head.index(col)
    bad = [r[i] for r in rows if r[i] is not None and not isinstance(r[i], kinds)]
    seen = sum(1 for r in rows if r[i] is not None)
    check("%s/type %s" % (name, col), not bad and seen > 0, (bad[:3], seen))


def yes_no(name, head, rows, col):
    i = head.index(col)
    check("%s/oui-non %s" % (name, col), all(r[i] in ("Oui", "Non", None) for r in rows),
          {r[i] for r in rows})


def readme(name, wb, data_date, licence):
    ws = wb["Lisez-moi"]
    cells = {r[0]: r[1] for r in ws.iter_rows(values_only=True) if r and r[0]}
    check(name + "/lisez-moi", cells.get("Licence") == licence and
          cells.get("Données mises à jour le") == data_date and "Feuille" in cells, cells)
    described = {(r[0], r[1]) for r in ws.iter_rows(values_only=True) if r and r[2]}
    for sheet in wb.sheetnames[:-1]:
        head = [c.value for c in next(wb[sheet].iter_rows(max_row=1))]
        missing = [h for h in head if (sheet, h) not in described]
        check("%s/lisez-moi %s" % (name, sheet), not missing, missing)


def carto(out, path, data_date, licence):
    name = os.path.relpath(path, out + "/xlsx")
    base = os.path.basename(path)[:-5]
    want = csv_rows(os.path.join(out, "data/cartographies", base + ".csv"))
    wb = openpyxl.load_workbook(path)
    check(name + "/sheets", wb.sheetnames == ["Offres", "Synthèse", "Lisez-moi"], wb.sheetnames)
    ws = wb["Offres"]
    head, rows = rows_of(ws)
    check(name + "/header", head[:5] == ["Organisme", "Identifiant de l'organisme",
          "Nature de l'organisme", "Identifiant de l'offre", "Intitulé"] and
          "Département" in head and "Page de l'offre" in head, head[:5])
    check(name + "/rows", len(rows) == len(want), (len(rows), len(want)))
    key = lambda r: (r[head.index("Identifiant de l'organisme")], r[head.index("Identifiant de l'offre")],
                     r[head.index("Identifiant du lieu")])
    check(name + "/same-rows-as-csv", sorted(map(key, rows)) ==
          sorted((w["organisme_id"], w["offre_id"], w["lieu_id"]) for w in want))
    sheet_layout(name, ws, head, len(rows))
    typed(name, head, rows, "Latitude", float)
    typed(name, head, rows, "Heures par semaine", (int, float))
    typed(name, head, rows, "Début des sessions", datetime.datetime)
    typed(name, head, rows, "Mise à jour", datetime.datetime)
    typed(name, head, rows, "Département", str)
    yes_no(name, head, rows, "Gratuite")
    # libxlsxwriter stores the part after '#' as the link's location.
    links = [(c.hyperlink.target or "") + "#" + (c.hyperlink.location or "")
             for c in ws[get_column_letter(head.index("Page de l'offre") + 1)][1:] if c.hyperlink]
    # Up to 10,000 rows every row has its links; beyond, every row has text.
    page = [r[head.index("Page de l'offre")] for r in rows]
    if len(rows) <= 10000:
        check(name + "/links", len(links) == len(rows) and all("/#offre-" in l for l in links), links[:2])
    else:
        check(name + "/links-as-text", not links and all("/#offre-" in p for p in page), len(links))
    # The summary gives what an analyst gets by filtering Département and a type.
    sws = wb["Synthèse"]
    shead, srows = rows_of(sws)
    types = shead[1:-1]
    di = head.index("Département")
    ok = len(types) > 0 and shead[-1] == "Toutes les offres"
    counted = 0
    for r in srows:
        if not r[0] or "(" not in r[0]:
            continue
        dep = r[0].rsplit("(", 1)[1].rstrip(")")
        mine = [x for x in rows if x[di] == dep]
        for t, v in zip(types, r[1:-1]):
            ok = ok and isinstance(v, int) and v == sum(1 for x in mine if x[head.index(t)] == "Oui")
        ok = ok and r[-1] == len(mine)
        counted += r[-1]
    check(name + "/summary-counts", ok and counted == len(rows), (counted, len(rows)))
    check(name + "/chart", len(sws._charts) == 1, len(sws._charts))
    readme(name, wb, data_date, licence)


def directory(out, data_date, licence):
    name = "organismes.xlsx"
    orgs = json.load(open(os.path.join(out, "data/organismes.json"), encoding="utf-8"))["organismes"]
    wb = openpyxl.load_workbook(os.path.join(out, "xlsx", name))
    check(name + "/sheets", wb.sheetnames == ["Organismes", "Lieux", "Offres", "Offres par lieu", "Sessions",
                                              "Lisez-moi"], wb.sheetnames)
    want = {
        "Organismes": len(orgs),
        "Lieux": sum(len(o["lieux"]) for o in orgs),
        "Offres": sum(len(o["offres"]) for o in orgs),
        "Offres par lieu": len(csv_rows(os.path.join(out, "data/offres.csv"))),
        "Sessions": sum(len(f["sessions"]) for o in orgs for f in o["offres"]),
    }
    got = {}
    for sheet, n in want.items():
        head, rows = rows_of(wb[sheet])
        got[sheet] = (head, rows)
        check("%s/%s rows" % (name, sheet), len(rows) == n and n > 0, (len(rows), n))
        check("%s/%s header" % (name, sheet), head[0] in ("Identifiant de l'organisme", "Organisme"), head[:3])
        sheet_layout("%s/%s" % (name, sheet), wb[sheet], head, len(rows))
    head, rows = got["Organismes"]
    typed(name + "/Organismes", head, rows, "SIRET", str)
    typed(name + "/Organismes", head, rows, "Mise à jour", datetime.datetime)
    typed(name + "/Organismes", head, rows, "Offres", int)
    head, rows = got["Sessions"]
    typed(name + "/Sessions", head, rows, "Début", datetime.datetime)
    typed(name + "/Sessions", head, rows, "Places disponibles", int)
    # The sheets join by their ids.
    offres = {(r[1], r[2]) for r in got["Offres"][1]}
    lieux = {(r[1], r[2]) for r in got["Lieux"][1]}
    check(name + "/joins", all((r[0], r[1]) in offres for r in got["Sessions"][1]) and
          all((r[0], r[1]) in offres and (r[0], r[2]) in lieux for r in got["Offres par lieu"][1]))
    readme(name, wb, data_date, licence)


def referentiel(out, path, data_date, licence):
    name = os.path.relpath(path, out + "/xlsx")
    ref = json.load(open(os.path.join(out, "data/referentiels", os.path.basename(path)[:-5] + ".json"),
                         encoding="utf-8"))
    wb = openpyxl.load_workbook(path)
    check(name + "/sheets", wb.sheetnames == ["Domaines", "Compétences", "Critères", "Correspondances",
                                              "Lisez-moi"], wb.sheetnames)
    entries = []

    def walk(e):
        entries.append(e)
        for c in e.get("competences", []) + e.get("criteres", []):
            walk(c)
    for d in ref["domaines"]:
        walk(d)
    corr = sum(len(u["codes"]) for e in entries for u in e["correspond_a"]) + \
        sum(len(e["alimente_par"]) for e in entries)
    n = ref["nombres"]
    for sheet, want in (("Domaines", n["domaines"]), ("Compétences", n["competences"]),
                        ("Critères", n["criteres"]), ("Correspondances", corr)):
        head, rows = rows_of(wb[sheet])
        check("%s/%s rows" % (name, sheet), len(rows) == want, (len(rows), want))
        check("%s/%s header" % (name, sheet), head[0] in ("Code", "Code du domaine", "Sens"), head[:3])
        if rows:
            sheet_layout("%s/%s" % (name, sheet), wb[sheet], head, len(rows))
    head, rows = rows_of(wb["Compétences"])
    typed(name + "/Compétences", head, rows, "Offres", int)
    readme(name, wb, data_date, licence)


def main():
    if sys.argv[1] == "--text":
        out, value = sys.argv[2], sys.argv[3]
        for path in sorted(glob.glob(out + "/xlsx/**/*.xlsx", recursive=True)):
            wb = openpyxl.load_workbook(path)
            cells = [c for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value == value]
            # Workbooks with rows: a département without offers has none.
            if "/referentiels/" not in path and wb.worksheets[0].max_row > 1:
                check("text-stays-text %s" % os.path.relpath(path, out + "/xlsx"),
                      cells and all(c.data_type == "s" for c in cells), [c.data_type for c in cells])
        return
    out = sys.argv[1]
    head = json.load(open(os.path.join(out, "data/organismes.json"), encoding="utf-8"))
    data_date = datetime.datetime.strptime(head["mise_a_jour"], "%Y-%m-%d")
    licence = head["licence"]
    cartos = sorted(glob.glob(out + "/xlsx/cartographies/*.xlsx"))
    csvs = sorted(glob.glob(out + "/data/cartographies/*.csv"))
    check("one-workbook-per-view", [os.path.basename(p)[:-5] for p in cartos] ==
          [os.path.basename(p)[:-4] for p in csvs] and cartos, len(cartos))
    for p in cartos:
        carto(out, p, data_date, licence)
    directory(out, data_date, licence)
    refs = sorted(glob.glob(out + "/xlsx/referentiels/*.xlsx"))
    check("one-workbook-per-referentiel", len(refs) == len(glob.glob(out + "/data/referentiels/*.json")) > 0)
    for p in refs:
        referentiel(out, p, data_date, licence)
    for p in cartos + refs + [out + "/xlsx/organismes.xlsx"]:
        created = openpyxl.load_workbook(p, read_only=True).properties.created
        check("created-is-data-date %s" % os.path.relpath(p, out + "/xlsx"), created == data_date, created)


main()
