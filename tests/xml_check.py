"""Every XML output of a built site is well-formed, and no HTML page holds a
character that XML forbids or HTML calls a parse error: the feed, the
sitemap, the SVG files, every XML part of every workbook, the HTML pages.
Usage: python3 tests/xml_check.py OUT. Prints ok/FAIL lines."""
import os
import re
import sys
import zipfile
import xml.dom.minidom

root = sys.argv[1]
bad_char = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufdd0-\ufdef\ufffe\uffff]")
counts = {"xml": 0, "xlsx part": 0, "html": 0}
failed = []
for folder, _, files in sorted(os.walk(root)):
    for name in sorted(files):
        path = os.path.join(folder, name)
        rel = os.path.relpath(path, root)
        try:
            if name.endswith((".xml", ".svg")):
                counts["xml"] += 1
                xml.dom.minidom.parse(path)
            elif name.endswith(".xlsx"):
                with zipfile.ZipFile(path) as z:
                    for member in z.namelist():
                        if member.endswith((".xml", ".rels")):
                            counts["xlsx part"] += 1
                            xml.dom.minidom.parseString(z.read(member))
            elif name.endswith(".html"):
                counts["html"] += 1
                with open(path, encoding="utf-8") as f:
                    m = bad_char.search(f.read())
                if m:
                    raise ValueError("U+%04X in the page" % ord(m.group()))
        except Exception as e:  # a parse error or bad UTF-8: report the file
            failed.append("%s: %s" % (rel, e))
for f in failed:
    print("FAIL xml/" + f)
if not failed:
    print("ok xml/well-formed (%s)" % ", ".join("%d %s" % (n, k) for k, n in counts.items()))
