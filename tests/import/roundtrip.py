#!/usr/bin/env python3
"""The LHÉO round trip, organisation by organisation (issue 15).

roundtrip.py SITE IMPORTED.yaml: every organisation of SITE's content/organismes/
that the LHÉO export carries (one with a SIRET and an offer with a lieu) must
be in IMPORTED.yaml, the import of that export, with the same id and the same
fields, offers, lieux and sessions. What LHÉO cannot carry is left out of the
comparison, and only that:
- organisations without a SIRET, and offers without a lieu (not exported:
  LHÉO identifies an organisation by its SIRET, an action needs a lieu);
- the lieux that none of the organisation's offers names (LHÉO has lieux
  only under an action);
- meta.source (import-lheo after an import); a missing `labels: []`,
  `montant_eur: null` and other empty values (absent either way).
Coordinates are compared to 1e-6 degrees (LHÉO writes 6 decimals).
Prints each difference; exits 1 when there is one.
"""
import glob
import os
import sys

import yaml


def orgs_of(path):
    with open(path, encoding="utf-8") as f:
        doc = yaml.safe_load(f) or {}
    if "organisme" in doc:
        return [doc["organisme"]]
    return doc.get("organismes") or []


def empty(v):
    return v is None or v == [] or v == {} or v == ""


def norm(v):
    """Empty values dropped, numbers as floats rounded to 1e-6, dates as text."""
    if v is None:
        return None
    if isinstance(v, dict):
        return {k: norm(x) for k, x in sorted(v.items()) if not empty(norm(x))}
    if isinstance(v, list):
        return [norm(x) for x in v]
    if isinstance(v, bool):
        return v
    if isinstance(v, (int, float)):
        return round(float(v), 6)
    if isinstance(v, str):
        return v
    return str(v)


def exported(o):
    """The organisation as the LHÉO export carries it, or None."""
    offres = [x for x in o.get("offres") or [] if x.get("lieux")]
    if not o.get("siret") or not offres or not o.get("lieux"):
        return None
    used = {l for x in offres for l in x["lieux"]}
    o = dict(o)
    o["offres"] = offres
    o["lieux"] = [l for l in o["lieux"] if l.get("id") in used]
    meta = dict(o.get("meta") or {})
    meta.pop("source", None)
    o["meta"] = meta
    return norm(o)


def diff(path, a, b, out):
    if isinstance(a, dict) and isinstance(b, dict):
        for k in sorted(set(a) | set(b)):
            if k not in b:
                out.append(f"{path}.{k}: lost ({a[k]!r:.80})")
            elif k not in a:
                out.append(f"{path}.{k}: added ({b[k]!r:.80})")
            else:
                diff(f"{path}.{k}", a[k], b[k], out)
    elif isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        for i, (x, y) in enumerate(zip(a, b)):
            diff(f"{path}[{i}]", x, y, out)
    elif a != b:
        out.append(f"{path}: {a!r:.80} became {b!r:.80}")


def main():
    site, imported = sys.argv[1], sys.argv[2]
    want = {}
    for f in sorted(glob.glob(os.path.join(site, "content/organismes/*.yaml"))):
        for o in orgs_of(f):
            e = exported(o)
            if e:
                want[o["id"]] = e
    got = {o["id"]: exported(o) for o in orgs_of(imported)}
    out = []
    for i in sorted(set(want) | set(got)):
        if i not in got:
            out.append(f"{i}: not imported")
        elif i not in want:
            out.append(f"{i}: imported but not in the site")
        else:
            diff(i, want[i], got[i], out)
    for line in out:
        print(line)
    print(f"{len(want)} organisations compared, {len(out)} differences")
    return 1 if out else 0


if __name__ == "__main__":
    sys.exit(main())
