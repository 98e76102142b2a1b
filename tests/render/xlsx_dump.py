#!/usr/bin/env python3
"""Writes a workbook as plain text, for the expected-output tests (tests/render.sh).

    xlsx_dump.py BOOK.xlsx > BOOK.xlsx.txt

Read back with openpyxl, an independent reader. For each sheet, in the
workbook's order: its name, dimensions, frozen cell, autofilter range, the
widths of its columns, its merged ranges and charts, then one line per
non-empty cell: the cell's reference, the type of its value as openpyxl reads
it (s text, n number, d date, b boolean, f formula), the value (repr, so that
spaces, tabs and newlines show), its number format when it is not General,
its hyperlink and "bold" for a bold font. The workbook's properties are
written without their dates of modification (the creation date is pinned by
SOURCE_DATE_EPOCH and kept). Nothing depends on the path or the time of the
run, so the dump of one workbook is the same on every machine.
"""
import datetime
import sys

import openpyxl
from openpyxl.utils import get_column_letter


def kind(v):
    if isinstance(v, bool):
        return "b"
    if isinstance(v, (int, float)):
        return "n"
    if isinstance(v, (datetime.datetime, datetime.date, datetime.time)):
        return "d"
    if isinstance(v, str) and v.startswith("="):
        return "f"
    return "s"


def show(v):
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    if isinstance(v, (datetime.datetime, datetime.date, datetime.time)):
        return v.isoformat()
    return repr(v) if isinstance(v, str) else str(v)


def dump_sheet(ws, out):
    out.append("== sheet %r (%s)" % (ws.title, ws.sheet_state))
    out.append("dimensions %s" % ws.dimensions)
    if ws.freeze_panes:
        out.append("freeze %s" % ws.freeze_panes)
    if ws.auto_filter and ws.auto_filter.ref:
        out.append("autofilter %s" % ws.auto_filter.ref)
    widths = []
    for key in sorted(ws.column_dimensions.keys(), key=lambda k: (len(k), k)):
        d = ws.column_dimensions[key]
        if d.width and d.customWidth:
            widths.append("%s:%s=%.2f" % (d.min and get_column_letter(d.min) or key,
                                        d.max and get_column_letter(d.max) or key, d.width))
    if widths:
        out.append("widths " + " ".join(widths))
    for r in sorted(str(m) for m in ws.merged_cells.ranges):
        out.append("merged %s" % r)
    for ch in getattr(ws, "_charts", []):
        title = None
        if ch.title and ch.title.tx and ch.title.tx.rich:
            title = "".join(run.t for p in ch.title.tx.rich.p for run in (p.r or []))
        out.append("chart %s %r series=%d" % (type(ch).__name__, title, len(ch.series)))
    for row in ws.iter_rows():
        for c in row:
            if c.value is None:
                continue
            line = "%s %s %s" % (c.coordinate, kind(c.value), show(c.value))
            if c.number_format and c.number_format != "General":
                line += " fmt=%r" % c.number_format
            if c.hyperlink is not None:
                line += " link=%r" % (c.hyperlink.target or c.hyperlink.location)
            if c.font is not None and c.font.b:
                line += " bold"
            out.append(line)


def main():
    wb = openpyxl.load_workbook(sys.argv[1])
    p = wb.properties
    out = ["title %r" % p.title, "subject %r" % p.subject, "creator %r" % p.creator,
           "keywords %r" % p.keywords, "description %r" % p.description,
           "created %s" % (p.created.isoformat() if p.created else None)]
    for ws in wb.worksheets:
        dump_sheet(ws, out)
    sys.stdout.write("\n".join(out) + "\n")


if __name__ == "__main__":
    main()
