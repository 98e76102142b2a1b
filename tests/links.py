"""Every internal link of a published site leads to a file of the build.

usage: python3 tests/links.py OUTPUT_DIR
Reads every href and src of every .html file; links with a scheme (https:,
mailto:, tel:, data:) and fragments of the same page are left out. Prints
"page: link" for each link that leads nowhere and exits 1 when there is one.
"""
import html
import os
import re
import sys
from urllib.parse import unquote, urlsplit

out = os.path.abspath(sys.argv[1])
attr = re.compile(r'\s(?:href|src)="([^"]*)"')
broken = []
for folder, _, files in os.walk(out):
    for name in sorted(files):
        if not name.endswith(".html"):
            continue
        page = os.path.join(folder, name)
        if os.path.relpath(page, out) == "404.html":
            continue  # served at any depth: its links are absolute
        with open(page, encoding="utf-8") as f:
            text = f.read()
        for raw in attr.findall(text):
            link = html.unescape(raw)
            parts = urlsplit(link)
            if parts.scheme or parts.netloc or not parts.path:
                continue
            if parts.path.startswith("/"):
                broken.append((page, link + " (root-relative)"))
                continue
            target = os.path.normpath(os.path.join(folder, unquote(parts.path)))
            if os.path.isdir(target):
                target = os.path.join(target, "index.html")
            if not target.startswith(out) or not os.path.exists(target):
                broken.append((page, link))
for page, link in broken[:20]:
    print("%s: %s" % (os.path.relpath(page, out), link))
sys.exit(1 if broken else 0)
