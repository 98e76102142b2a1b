"""The département booklets of a build (pdf/cartographies/<id>-<dep>.pdf,
read back with pdftotext -layout): one number is one address, the entries
carry their suites, the "Près de chez vous" index lists the nearest numbers
of each commune; with a second build, the numbers of the départements not
named as changed are the same (an organisation added in another département
renumbers nothing).

usage: python3 tests/booklet_check.py OUT [OTHER_OUT CHANGED_DEP]
One number is one address: the entries ("N. title – organisation", then the
address line) give each number one address, there are as many numbers as
lieux in the département's CSV extract (organisme_id, lieu_id), and numbers
run from 1 without a gap. "Et après ?" appears when an offer of the extract
has suites (suites.csv). The near index names every commune of the index of
communes, with at most six numbers of the booklet, nearest first. Prints
one line per fault and exits 1 when there is one.
"""
import csv
import glob
import os
import re
import subprocess
import sys

entry = re.compile(r"^(\d+)\. (.+)$")
postal = re.compile(r"\b(?:7[5789]|9[1-5])\d{3} ")
near = re.compile(r"(\d+) \((\d+,\d) km\)")


def read_csv(path):
    with open(path, encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f, delimiter=";"))


def booklet(pdf):
    """number -> (entry lines, address) and the text's sections."""
    text = subprocess.run(["pdftotext", "-layout", pdf, "-"], capture_output=True, text=True).stdout
    lines = [l.lstrip("\x0c") for l in text.split("\n")]
    nums, i = {}, 0
    start = next((k for k, l in enumerate(lines) if l.startswith("Les offres, commune par commune")), len(lines))
    stop = next((k for k, l in enumerate(lines) if l.startswith("Près de chez vous")), len(lines))
    i = start
    while i < stop:
        m = entry.match(lines[i])
        if not m:
            i += 1
            continue
        j = i + 1
        while j < stop and not (postal.search(lines[j]) and not lines[j].startswith(" ")):
            j += 1
        addr = lines[j].split(" – ")[0].strip() if j < stop else ""
        nums.setdefault(int(m.group(1)), []).append((m.group(2).strip(), addr))
        i = j + 1
    return text, lines, nums


def check(out):
    faults, maps = [], {}
    suites = {(r["organisme_id"], r["offre_id"]) for r in read_csv(os.path.join(out, "data", "suites.csv"))}
    pdfs = sorted(glob.glob(os.path.join(out, "pdf", "cartographies", "*-[0-9][0-9].pdf")))
    for pdf in pdfs:
        name = os.path.basename(pdf)[:-4]
        rows = read_csv(os.path.join(out, "data", "cartographies", name + ".csv"))
        text, lines, nums = booklet(pdf)
        maps[name] = {n: sorted(v) for n, v in nums.items()}
        lieux = {(r["organisme_id"], r["lieu_id"]) for r in rows}
        for n, v in nums.items():
            if len({a for _, a in v}) != 1:
                faults.append("%s: number %d stands for %s" % (name, n, sorted({a for _, a in v})[:3]))
        if sorted(nums) != list(range(1, len(lieux) + 1)):
            faults.append("%s: numbers %s, for %d lieux" % (name, sorted(nums)[:10], len(lieux)))
        has = any((r["organisme_id"], r["offre_id"]) in suites for r in rows)
        if has != ("Et après ?" in text):
            faults.append("%s: suites in the data %s, 'Et après ?' in the booklet %s" % (name, has, not has))
        # The near index: from its heading to the index of communes.
        a = next((k for k, l in enumerate(lines) if l.startswith("Près de chez vous")), None)
        b = next((k for k, l in enumerate(lines) if l.startswith("Index des communes")), None)
        if a is None or b is None:
            faults.append("%s: no near index or no index of communes" % name)
            continue
        communes = {re.sub(r"[\s\d,]+$", "", l).strip() for l in lines[b + 1:] if l and not l.startswith(" ") and
                    not l.startswith("Cartographies") and not l.startswith("http")}
        body = "\n".join(lines[a:b])
        for c in communes:
            if c and c not in body:
                faults.append("%s: %s is not in the near index" % (name, c))
        for l in lines[a:b]:
            got = near.findall(l)
            if len(got) > 6 or any(int(n) not in nums for n, _ in got):
                faults.append("%s: near index line %r" % (name, l))
            kms = [float(k.replace(",", ".")) for _, k in got]
            if kms != sorted(kms):
                faults.append("%s: near index not nearest first: %r" % (name, l))
    if not pdfs:
        faults.append("no département booklet in " + out)
    return faults, maps


faults, maps = check(sys.argv[1])
if len(sys.argv) > 3:
    other_faults, other = check(sys.argv[2])
    faults += other_faults
    for name, m in maps.items():
        if not name.endswith("-" + sys.argv[3]) and other.get(name) != m:
            faults.append("%s: numbers changed with an organisation added in %s" % (name, sys.argv[3]))
for f in faults[:20]:
    print(f)
sys.exit(1 if faults else 0)
