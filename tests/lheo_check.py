#!/usr/bin/env python3
"""Checks an LHÉO 2.3 document against the definition lheo-gml-2.3.xml (the
GML of lheo/lheo-schema): every element of the document must be defined, its
children must follow the definition's sequence in order and within each
child's cardinality (min/max, max 0 meaning unbounded; min and max absent
meaning exactly one), and its text must fit its type (basic_text lengths in
characters, basic_int bounds, basic_date AAAAMMJJ, basic_key values of the
named dict). Usage: lheo_check.py DEFINITION.xml DOCUMENT.xml; prints one
line per fault and exits 1 when there is one."""
import sys
import xml.etree.ElementTree as ET

G = "{http://www.gelaba.org/gml/1.2}"
NS = "{http://lheo.gouv.fr/2.3}"


def load(path):
    root = ET.parse(path).getroot()
    dicts = {d.get("name"): {e.find(G + "key").get("val") for e in d.findall(G + "entry")}
             for d in root.findall(G + "dict")}
    defs = {}
    for d in root.findall(G + "definition"):
        et = d.find(G + "element_type")
        kind = et[0]
        name = kind.tag[len(G):]
        if name == "sequence":
            seq = [(e.get("name"), int(e.get("min", "1")), int(e.get("max", "1")))
                   for e in kind.findall(G + "element")]
            defs[d.get("name")] = ("sequence", seq)
        elif name == "choice":
            defs[d.get("name")] = ("choice", {c.get("name") for c in kind.findall(G + "choice_element")})
        elif name == "basic_key":
            defs[d.get("name")] = ("key", dicts[kind.get("ref")])
        else:
            defs[d.get("name")] = (name, dict(kind.attrib))
    return defs


def check(defs, el, path, faults):
    if not el.tag.startswith(NS):
        faults.append(f"{path}: element {el.tag} outside the LHÉO 2.3 namespace")
        return
    name = el.tag[len(NS):]
    here = f"{path}/{name}"
    if name not in defs:
        faults.append(f"{here}: not an LHÉO element")
        return
    kind, spec = defs[name]
    kids = list(el)
    text = (el.text or "").strip()
    if kind == "basic_any":
        return
    if kind in ("sequence", "choice"):
        if text or any((k.tail or "").strip() for k in kids):
            faults.append(f"{here}: text inside an element that holds elements")
        names = [k.tag[len(NS):] if k.tag.startswith(NS) else k.tag for k in kids]
        if kind == "choice":
            for n in names:
                if n not in spec:
                    faults.append(f"{here}: <{n}> is not one of {sorted(spec)}")
        else:
            i = 0
            for child, lo, hi in spec:
                count = 0
                while i < len(names) and names[i] == child:
                    count += 1
                    i += 1
                if count < lo or (hi and count > hi):
                    faults.append(f"{here}: {count} <{child}>, expected {lo} to {hi or 'any'}")
            if i < len(names):
                faults.append(f"{here}: <{names[i]}> out of order or not allowed here")
        for k in kids:
            check(defs, k, here, faults)
        return
    if kids:
        faults.append(f"{here}: elements inside a text element")
    value = el.text or ""
    if kind == "basic_text":
        lo, hi = int(spec.get("lgmin", 0)), int(spec.get("lgmax", 10**9))
        if not lo <= len(value) <= hi:
            faults.append(f"{here}: {len(value)} characters, expected {lo} to {hi}")
    elif kind == "basic_int":
        if not value.isdigit() or not int(spec.get("vmin", 0)) <= int(value) <= int(spec.get("vmax", 10**12)):
            faults.append(f"{here}: '{value}' is not an integer in range")
    elif kind == "basic_date":
        if len(value) != 8 or not value.isdigit():
            faults.append(f"{here}: '{value}' is not AAAAMMJJ")
    elif kind == "key":
        if value not in spec:
            faults.append(f"{here}: '{value}' is not in its dictionary")


def main():
    defs = load(sys.argv[1])
    doc = ET.parse(sys.argv[2]).getroot()
    faults = []
    if doc.tag != NS + "lheo":
        faults.append(f"root is {doc.tag}, not lheo in {NS}")
    else:
        check(defs, doc, "", faults)
    for f in faults[:50]:
        print(f)
    if len(faults) > 50:
        print(f"... {len(faults) - 50} more")
    n = sum(1 for _ in doc.iter())
    print(f"{n} elements checked, {len(faults)} faults")
    return 1 if faults else 0


sys.exit(main())
