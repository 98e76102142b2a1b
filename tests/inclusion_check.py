#!/usr/bin/env python3
"""Validates data/data-inclusion/structures.json and services.json of a build
against the data·inclusion v1 JSON Schemas, item by item, with formats
(date, email, uri) checked, and every service's structure_id naming a
structure. Usage: inclusion_check.py SCHEMA_DIR OUT_DIR. Prints one line per
fault (at most 20) and a count; exits 1 on a fault."""
import json
import sys

import jsonschema

schemas, out = sys.argv[1], sys.argv[2]
faults = []
ids = set()
for kind, file in (("structure", "structures.json"), ("service", "services.json")):
    schema = json.load(open(f"{schemas}/{kind}.json", encoding="utf-8"))
    cls = jsonschema.validators.validator_for(schema, default=jsonschema.Draft202012Validator)
    v = cls(schema, format_checker=cls.FORMAT_CHECKER)
    items = json.load(open(f"{out}/data/data-inclusion/{file}", encoding="utf-8"))
    if not isinstance(items, list) or not items:
        faults.append(f"{file}: not a non-empty list")
        continue
    for i, item in enumerate(items):
        for e in v.iter_errors(item):
            faults.append(f"{file}[{i}] {item.get('id')}: {'/'.join(map(str, e.path))}: {e.message[:200]}")
        if kind == "structure":
            ids.add(item["id"])
        elif item.get("structure_id") not in ids:
            faults.append(f"{file}[{i}]: structure_id {item.get('structure_id')} is no structure")
    print(f"{file}: {len(items)} items")
for f in faults[:20]:
    print(f)
print(f"{len(faults)} faults")
sys.exit(1 if faults else 0)
