# Whole-site tests, sourced by run.sh with CARTO (the binary), LABEL and TMP
# set, and ok/fail defined. Each block is one test.

# A tree's fingerprint: every path with its type and content hash.
tree_sum() {
	(cd "$1" && find . -printf '%y %p\n' | sort | while read -r t p; do
		if [ "$t" = f ]; then echo "$p $(sha256sum < "$p" | cut -c1-16)"; else echo "$t $p"; fi
	done)
}

site_test() { [ $? = 0 ] && ok "$LABEL site/$1" || fail "$LABEL site/$1${2:+: $2}"; }

S="$TMP/site-$LABEL"
rm -rf "$S"
cp -r tests/check/base "$S"

# The repository's example site checks with no error and no warning.
out=$("$CARTO" check 2>&1)
rc=$?
[ $rc = 0 ] && ! echo "$out" | grep -q 'warning:'
site_test example-checks-clean "$(echo "$out" | head -5)"

# The example site builds, and its open data are there.
rm -rf "$TMP/ex-out"
"$CARTO" build --out "$TMP/ex-out" > /dev/null 2>&1 &&
	[ -s "$TMP/ex-out/data/offres.csv" ] && [ -s "$TMP/ex-out/data/organismes.json" ] &&
	[ -s "$TMP/ex-out/data/offres.geojson" ] && ls "$TMP/ex-out/data/referentiels/"*.json > /dev/null
site_test example-builds

# Identical input gives identical output, byte for byte (and with --jobs 1).
"$CARTO" build --site "$S" --out "$TMP/b1" > /dev/null 2>&1 &&
	"$CARTO" build --site "$S" --out "$TMP/b2" --jobs 1 > /dev/null 2>&1 &&
	diff -r "$TMP/b1" "$TMP/b2" > /dev/null && [ -s "$TMP/b1/xlsx/organismes.xlsx" ] &&
	[ -s "$TMP/b1/xlsx/cartographies/demo-93.xlsx" ] && [ -s "$TMP/b1/xlsx/referentiels/mini.xlsx" ]
site_test deterministic

# A failed build leaves the previous output exactly as it was.
snap=$(tree_sum "$TMP/b1")
cp -r "$S" "$S-bad"
echo "  nom: doublon" >> "$S-bad/content/organismes/asso-test.yaml"
"$CARTO" build --site "$S-bad" --out "$TMP/b1" > /dev/null 2>&1
rc=$?
[ $rc = 1 ] && [ "$snap" = "$(tree_sum "$TMP/b1")" ]
site_test failed-build-keeps-output "exit $rc"
rm -rf "$S-bad"

# A build killed with SIGKILL half-way leaves the previous output, and the
# next build cleans up what the killed one left.
CARTO_TEST_PAUSE=30 "$CARTO" build --site "$S" --out "$TMP/b1" > /dev/null 2>&1 &
pid=$!
for _ in $(seq 100); do ls -d "$TMP"/.b1.tmp.* > /dev/null 2>&1 && break; sleep 0.1; done
ls "$TMP"/.b1.tmp.*/data/offres.csv > /dev/null 2>&1
half=$?
kill -9 $pid
wait $pid 2> /dev/null
[ $half = 0 ] && [ "$snap" = "$(tree_sum "$TMP/b1")" ]
site_test sigkill-keeps-output
"$CARTO" build --site "$S" --out "$TMP/b1" > /dev/null 2>&1 &&
	! ls -d "$TMP"/.b1.tmp.* > /dev/null 2>&1 && [ "$snap" = "$(tree_sum "$TMP/b1")" ]
site_test next-build-cleans-leftovers

# --out never replaces the site itself or a folder carto did not write.
mkdir -p "$TMP/precious" && echo "keep me" > "$TMP/precious/notes.txt"
"$CARTO" build --site "$S" --out "$TMP/precious" > /dev/null 2>&1
rc1=$?
"$CARTO" build --site "$S" --out "$S" > /dev/null 2>&1
rc2=$?
[ $rc1 = 1 ] && [ $rc2 = 1 ] && [ "$(cat "$TMP/precious/notes.txt")" = "keep me" ] &&
	[ -f "$S/site.yaml" ] && [ -f "$S/content/organismes/asso-test.yaml" ]
site_test out-refuses-foreign-folders "exit $rc1 $rc2"

# Ids that try to leave --out are refused before anything is written.
cp -r "$S" "$S-evil"
sed -i 's/id: asso-test/id: "..\/..\/evil"/' "$S-evil/content/organismes/asso-test.yaml"
"$CARTO" build --site "$S-evil" --out "$TMP/evil-out" > "$TMP/evil.log" 2>&1
rc=$?
[ $rc = 1 ] && [ ! -e "$TMP/evil-out" ] && [ ! -e "$TMP/evil" ] && grep -q "must be a slug" "$TMP/evil.log"
site_test path-escape-refused "exit $rc"
rm -rf "$S-evil"

# CSV: UTF-8 with a BOM, accents intact, one row per offer x lieu, and a
# value that starts like a formula cannot run as one.
cp -r "$S" "$S-csv"
sed -i 's/nom: "Association Test"/nom: "=HYPERLINK(\\"http:\/\/x\\";\\"clic\\")"/' "$S-csv/content/organismes/asso-test.yaml"
sed -i 's/telephone: "01 00 00 00 00"/telephone: "+33 1 00 00 00 00"/' "$S-csv/content/organismes/asso-test.yaml"
"$CARTO" build --site "$S-csv" --out "$TMP/csv-out" > /dev/null 2>&1
csv="$TMP/csv-out/data/offres.csv"
[ "$(head -c 3 "$csv" | od -An -tx1 | tr -d ' ')" = efbbbf ] &&
	grep -q '"'"'"'=HYPERLINK' "$csv" && grep -q '"'"'"'+33 1' "$csv" &&
	grep -q 'Français – vers A1' "$csv" && [ "$(wc -l < "$csv")" = 2 ] &&
	! grep -q ';=HYPERLINK' "$csv"
site_test csv-safe-and-utf8
rm -rf "$S-csv"

# GeoJSON: one point per offer x lieu of the example site, counted from the
# organisations JSON; every point inside Île-de-France's bounding box.
if command -v python3 > /dev/null; then
	python3 - "$TMP/ex-out/data" <<'PY'
import json, sys
d = sys.argv[1]
orgs = json.load(open(d + "/organismes.json"))["organismes"]
expected = sum(len(o["lieux"]) for org in orgs for o in org["offres"])
feats = json.load(open(d + "/offres.geojson"))["features"]
assert expected > 0 and len(feats) == expected, (len(feats), expected)
for f in feats:
    lon, lat = f["geometry"]["coordinates"]
    assert 1.44 <= lon <= 3.56 and 48.12 <= lat <= 49.24, (lon, lat)
import csv
rows = list(csv.reader(open(d + "/offres.csv", encoding="utf-8-sig", newline=""), delimiter=";"))
assert len(rows) == expected + 1 and len(set(map(len, rows))) == 1, (len(rows), expected)
PY
	site_test geojson-one-feature-per-offer-lieu
fi

# Usage errors exit with 2.
"$CARTO" > /dev/null 2>&1; r1=$?
"$CARTO" build --jobs 0 > /dev/null 2>&1; r2=$?
"$CARTO" frobnicate > /dev/null 2>&1; r3=$?
[ $r1 = 2 ] && [ $r2 = 2 ] && [ $r3 = 2 ]
site_test usage-exit-2 "$r1 $r2 $r3"

# carto new scaffolds files that check clean once filled in.
cp -r "$S" "$S-new"
"$CARTO" new page nouvelle-page --site "$S-new" > /dev/null &&
	"$CARTO" new organisme nouvel-organisme --site "$S-new" > /dev/null &&
	! "$CARTO" new page nouvelle-page --site "$S-new" > /dev/null 2>&1 &&
	"$CARTO" check --site "$S-new" > /dev/null 2>&1
site_test new-scaffolds
rm -rf "$S-new"

# The HTML site: every page of format.md §8 that this stage publishes exists,
# links are relative (the site works under any sub-path and from file://),
# and drafts are left out unless --drafts.
h="$TMP/ex-out"
[ -f "$h/index.html" ] && [ -f "$h/404.html" ] && [ -f "$h/feed.xml" ] && [ -f "$h/sitemap.xml" ] &&
	[ -f "$h/robots.txt" ] && [ -f "$h/organismes/index.html" ] && [ -f "$h/referentiels/clea/index.html" ] &&
	[ -f "$h/a-propos/index.html" ] && [ -f "$h/recherche/index.js" ] && [ -f "$h/assets/style.css" ] &&
	[ "$(ls "$h"/organismes/*/index.html | wc -l)" = "$(grep -c '^  - id:\|^  id:' content/organismes/*.yaml | awk -F: '{s+=$2} END {print s}')" ]
site_test html-pages-exist
! grep -rhoE '(href|src)="/[^/]' "$h" --include='*.html' | grep -v '^$' > /dev/null
site_test html-links-relative
draft=$(grep -l 'brouillon: true' content/pages/*/*.md content/pages/*.md 2> /dev/null | head -1)
dslug=$(echo "$draft" | sed 's|content/pages/||; s|\.md$||')
[ -n "$dslug" ] && [ ! -e "$h/$dslug/index.html" ] && ! grep -q "$dslug" "$h/sitemap.xml" &&
	"$CARTO" build --drafts --out "$TMP/drafts-out" > /dev/null 2>&1 && [ -f "$TMP/drafts-out/$dslug/index.html" ]
site_test html-drafts-only-with-flag

# Values are escaped in HTML: a name with markup shows as text.
cp -r "$S" "$S-xss"
sed -i 's/nom: "Association Test"/nom: "<script>alert(1)<\/script> \& Cie"/' "$S-xss/content/organismes/asso-test.yaml"
"$CARTO" build --site "$S-xss" --out "$TMP/xss-out" > /dev/null 2>&1 &&
	grep -q '&lt;script&gt;alert(1)&lt;/script&gt; &amp; Cie' "$TMP/xss-out/organismes/asso-test/index.html" &&
	! grep -q '<script>alert' "$TMP/xss-out/organismes/asso-test/index.html" &&
	grep -q '\\u003cscript\\u003e' "$TMP/xss-out/organismes/asso-test/index.html"
site_test html-escapes-values
rm -rf "$S-xss"

# A site overrides one template or partial of the theme by a file of the same
# name in its own themes/<name>/; the rest comes from carto's theme.
cp -r "$S" "$S-theme"
mkdir -p "$S-theme/themes/default/partials" "$S-theme/themes/default/templates"
sed 's|<footer class="site-footer">|<footer class="site-footer"><p>Pied de page du site</p>|' \
	themes/default/partials/footer.mustache > "$S-theme/themes/default/partials/footer.mustache"
"$CARTO" build --site "$S-theme" --out "$TMP/theme-out" > /dev/null 2>&1 &&
	grep -q 'Pied de page du site' "$TMP/theme-out/index.html" && grep -q 'class="skip"' "$TMP/theme-out/index.html"
site_test theme-override

# A broken template is reported at its file:line:column and the previous
# output stays as it was.
snap=$(tree_sum "$TMP/theme-out")
printf '<main>\n{{#org}}\n  <h1>{{nom}}</h1>\n' > "$S-theme/themes/default/templates/organisme.mustache"
"$CARTO" build --site "$S-theme" --out "$TMP/theme-out" > /dev/null 2> "$TMP/theme.err"
rc=$?
[ $rc = 1 ] && grep -q 'themes/default/templates/organisme.mustache:2:1: error: unclosed section {{#org}}' "$TMP/theme.err" &&
	[ "$snap" = "$(tree_sum "$TMP/theme-out")" ]
site_test template-error-position "exit $rc: $(head -2 "$TMP/theme.err")"
printf '{{>nulle-part}}\n' > "$S-theme/themes/default/templates/organisme.mustache"
"$CARTO" build --site "$S-theme" --out "$TMP/theme-out" > /dev/null 2> "$TMP/theme.err"
rc=$?
[ $rc = 1 ] && grep -q 'organisme.mustache:1:1: error: unknown partial' "$TMP/theme.err" &&
	[ "$snap" = "$(tree_sum "$TMP/theme-out")" ]
site_test template-unknown-partial "exit $rc: $(head -2 "$TMP/theme.err")"
rm -rf "$S-theme"

# Cartographies: a page per cartography and per département when asked; the
# list holds every offer × lieu of the selection, and the extracts of each
# view hold the same rows (counted from the whole directory's GeoJSON).
if command -v python3 > /dev/null; then
	python3 - "$h" content/cartographies <<'PY'
import json, os, re, sys
out, src = sys.argv[1], sys.argv[2]
allf = json.load(open(out + "/data/offres.geojson"))["features"]
for name in sorted(os.listdir(src)):
    text = open(os.path.join(src, name), encoding="utf-8").read()
    cid = re.search(r"^\s+id:\s*(\S+)", text, re.M).group(1)
    types = re.search(r"types:\s*\[([^\]]*)\]", text).group(1).replace(" ", "").split(",")
    per_dep = re.search(r"par_departement:\s*true", text) is not None
    want = [f for f in allf if set(f["properties"]["types"].split(" | ")) & set(types)]
    got = json.load(open(f"{out}/data/cartographies/{cid}.geojson"))["features"]
    assert len(got) == len(want) > 0, (cid, len(got), len(want))
    page = open(f"{out}/cartographies/{cid}/index.html", encoding="utf-8").read()
    assert page.count('class="card"') == len(want), (cid, page.count('class="card"'), len(want))
    assert "<svg" in page and "map-title" in page
    for dep in ["75", "77", "78", "91", "92", "93", "94", "95"]:
        p = f"{out}/cartographies/{cid}/{dep}/index.html"
        assert os.path.exists(p) == per_dep, p
        if per_dep:
            n = sum(1 for f in want if f["properties"]["departement"] == dep)
            assert open(p, encoding="utf-8").read().count('class="card"') == n, (p, n)
            assert len(json.load(open(f"{out}/data/cartographies/{cid}-{dep}.geojson"))["features"]) == n
PY
	site_test cartography-pages-and-extracts
fi

# A cartography too large to list on one page: the region page lists communes
# with their counts and links to the département pages, and its facets load
# the rows from offres.js (as many as the view's GeoJSON extract).
if [ "$LABEL" = plain ] && [ -x build/gensite ] && command -v python3 > /dev/null; then
	L="$TMP/large"
	rm -rf "$L" && mkdir -p "$L/content"
	cp -r site.yaml referentiels "$L/" && cp -r content/cartographies "$L/content/"
	build/gensite --orgs 900 --pages 10 --seed 7 --geo referentiels/geo/communes.csv --out "$L" &&
		"$CARTO" build --site "$L" --out "$L/out" > /dev/null 2>&1 &&
		python3 - "$L/out" <<'PY'
import json, os, re, sys
out = sys.argv[1]
page = open(out + "/cartographies/linguistique/index.html", encoding="utf-8").read()
feats = json.load(open(out + "/data/cartographies/linguistique.geojson"))["features"]
rows = open(out + "/cartographies/linguistique/offres.js", encoding="utf-8").read().count('["r')
assert len(feats) > 1500 and rows == len(feats), (rows, len(feats))
assert 'class="card"' not in page and 'src="offres.js"' in page and "carto-sommaire" in page
assert len(page.encode()) < 2 * 1024 * 1024
dep = open(out + "/cartographies/linguistique/93/index.html", encoding="utf-8").read()
assert dep.count('class="card"') == sum(1 for f in feats if f["properties"]["departement"] == "93")
# Every commune the summary links to has its page, listing that commune's offers.
base = out + "/cartographies/linguistique/"
for href in set(re.findall(r'href="\.\./\.\./cartographies/linguistique/(communes/[0-9]+/index.html)"', page)):
    insee = href.split("/")[1]
    cp = open(base + href, encoding="utf-8").read()
    n = sum(1 for f in feats if f["properties"]["code_insee"] == insee)
    assert cp.count('class="card"') == min(n, 1500), (href, n)
assert re.search(r'cartographies/linguistique/communes/[0-9]+/index.html"', page)
PY
	site_test cartography-large-view
fi

# PDF fiches: one per organisation, linked from its page; the text comes back
# with its accents (pdftotext), the file passes qpdf --check, and its date is
# the organisation's update, not the build's.
if command -v pdftotext > /dev/null && command -v qpdf > /dev/null; then
	f="$h/pdf/organismes/femmes-passerelles-saint-denis.pdf"
	txt=$(pdftotext "$f" - 2> /dev/null)
	n_pdf=$(ls "$h"/pdf/organismes/*.pdf | wc -l)
	n_org=$(ls -d "$h"/organismes/*/ | wc -l)
	[ "$n_pdf" = "$n_org" ] && qpdf --check "$f" > /dev/null 2>&1 &&
		echo "$txt" | grep -q 'Femmes Passerelles Saint-Denis' &&
		echo "$txt" | grep -q 'Ateliers sociolinguistiques du matin pour les femmes' &&
		echo "$txt" | grep -q "Garde d'enfants proposée" && echo "$txt" | grep -q 'page 1 / ' &&
		echo "$txt" | grep -q 'mis à jour le 12 octobre 2026' &&
		pdfinfo "$f" 2> /dev/null | grep -q 'CreationDate:.*Oct.*12.*2026' &&
		grep -q 'href="../../pdf/organismes/femmes-passerelles-saint-denis.pdf"' "$h/organismes/femmes-passerelles-saint-denis/index.html"
	site_test pdf-fiches "$n_pdf pdf for $n_org organisations"
fi

# Référentiel cards: the positioning grid with every competence, a box per
# level of the scale, and the correspondence table; linked from the page.
if command -v pdftotext > /dev/null && command -v qpdf > /dev/null; then
	f="$h/pdf/referentiels/carte-competences-idf.pdf"
	txt=$(pdftotext "$f" - 2> /dev/null)
	n_axes=$(grep -c '^ *- code: "A[0-9]*"' referentiels/carte-competences-idf.yaml)
	found=0
	for code in $(grep -o '^ *- code: "A[0-9]*"' referentiels/carte-competences-idf.yaml | grep -o 'A[0-9]*'); do
		echo "$txt" | grep -qx "$code" && found=$((found + 1))
	done
	qpdf --check "$f" > /dev/null 2>&1 && [ "$found" = "$n_axes" ] && [ "$n_axes" = 12 ] &&
		echo "$txt" | grep -q 'Grille de positionnement – 3 Pôles, 12 Axes' &&
		echo "$txt" | grep -q 'Correspondance : de Carte de compétences vers CléA' &&
		echo "$txt" | grep -q 'C1' && echo "$txt" | grep -q 'C4' &&
		[ -f "$h/pdf/referentiels/clea.pdf" ] &&
		grep -q 'pdf/referentiels/clea.pdf' "$h/referentiels/clea/index.html"
	site_test pdf-referentiel-cards "$found of $n_axes axes"
fi

# Cartography booklets: a cover with the map and its numbered markers, the
# offers numbered to match and grouped by commune, an index of communes; one
# per département when par_departement; linked from the pages.
if command -v pdftotext > /dev/null && command -v qpdf > /dev/null; then
	f="$h/pdf/cartographies/linguistique-93.pdf"
	txt=$(pdftotext "$f" - 2> /dev/null)
	n93=$(grep -c 'class="card"' "$h/cartographies/linguistique/93/index.html")
	qpdf --check "$f" > /dev/null 2>&1 && echo "$txt" | grep -q "Seine-Saint-Denis" &&
		echo "$txt" | grep -q "Livret pour les prescripteurs – $n93 offres" &&
		echo "$txt" | grep -q 'Index des communes' && echo "$txt" | grep -q '^Saint-Denis$' &&
		echo "$txt" | grep -q 'Les offres, commune par commune' &&
		[ "$(ls "$h"/pdf/cartographies/linguistique-*.pdf | wc -l)" = 8 ] &&
		[ -f "$h/pdf/cartographies/savoirs-de-base.pdf" ] && [ ! -f "$h/pdf/cartographies/savoirs-de-base-93.pdf" ] &&
		grep -q 'pdf/cartographies/linguistique-93.pdf' "$h/cartographies/linguistique/93/index.html"
	site_test pdf-booklets "$n93 offers in 93"
fi

# A very long text (120 KB in one field) wraps over as many PDF pages as it
# needs instead of failing (libharu refuses strings past 64 KB).
cp -r "$S" "$S-long"
python3 -c "
p='$S-long/content/organismes/asso-test.yaml'; s=open(p).read()
open(p, 'w').write(s.replace('cout: { gratuit: true }', 'cout: { gratuit: true, precisions: \"' + 'mot ' * 30000 + '\" }'))"
"$CARTO" build --site "$S-long" --out "$TMP/long-out" > /dev/null 2>&1 &&
	[ "$(pdfinfo "$TMP/long-out/pdf/organismes/asso-test.pdf" 2> /dev/null | awk '/^Pages:/ {print $2}')" -gt 10 ]
site_test pdf-long-text-wraps
rm -rf "$S-long"

# Workbooks (xlsx/), read back by openpyxl (Debian's python3-openpyxl), an
# independent reader: sheets, headers, as many rows as the CSV and JSON
# extracts, typed cells, frozen header, autofilter, the summary's counts and
# chart, the Lisez-moi sheet, the creation date taken from the data.
PYX=""
for p in python3 /usr/bin/python3; do
	"$p" -c 'import openpyxl' 2> /dev/null && PYX=$p && break
done
if [ -z "$PYX" ]; then
	fail "$LABEL site/xlsx: python3-openpyxl is missing (tests/deps.sh installs it)"
else
	"$PYX" tests/xlsx_check.py "$h" 2>&1 | sed "s/^ok /ok $LABEL /; s/^FAIL /FAIL $LABEL /" > "$TMP/xlsx.out"
	grep -q '^ok ' "$TMP/xlsx.out" || { tail -5 "$TMP/xlsx.out"; fail "$LABEL site/xlsx-check did not run"; }
	count_output "$TMP/xlsx.out"

	# Text that looks like a formula is stored as text, never as a formula.
	cp -r "$S" "$S-xf"
	sed -i 's/nom: "Association Test"/nom: "=SOMME(A1)"/; s/telephone: "01 00 00 00 00"/telephone: "+33 1 00 00 00 00"/' \
		"$S-xf/content/organismes/asso-test.yaml"
	sed -i 's/intitule: "Français – vers A1"/intitule: "@cmd -2+3"/' "$S-xf/content/organismes/asso-test.yaml"
	rm -rf "$TMP/xf-out"
	"$CARTO" build --site "$S-xf" --out "$TMP/xf-out" > /dev/null 2>&1 || fail "$LABEL site/xlsx-formula build"
	for v in "=SOMME(A1)" "+33 1 00 00 00 00" "@cmd -2+3"; do
		"$PYX" tests/xlsx_check.py --text "$TMP/xf-out" "$v" 2>&1 | sed "s/^ok /ok $LABEL /; s/^FAIL /FAIL $LABEL /" > "$TMP/xf.out"
		count_output "$TMP/xf.out"
	done
	rm -rf "$S-xf"

	# A text past a cell's 32,767 characters is cut there with a warning that
	# names the content file and the workbook; the build succeeds.
	cp -r "$S" "$S-xl"
	"$PYX" -c "
p='$S-xl/content/organismes/asso-test.yaml'; s=open(p).read()
open(p, 'w').write(s.replace('cout: { gratuit: true }', 'cout: { gratuit: true, precisions: \"' + 'mot ' * 9000 + 'fin\" }'))"
	rm -rf "$TMP/xl-out"
	"$CARTO" build --site "$S-xl" --out "$TMP/xl-out" > /dev/null 2> "$TMP/xl.err" &&
		grep -q 'content/organismes/asso-test.yaml:[0-9]*:[0-9]*: warning: xlsx/organismes.xlsx: sheet Offres, cell .*: text of 36003 characters cut to 32,767' "$TMP/xl.err" &&
		grep -q 'warning: xlsx/cartographies/demo.xlsx: sheet Offres' "$TMP/xl.err" &&
		"$PYX" -c "
import openpyxl, sys
ws = openpyxl.load_workbook('$TMP/xl-out/xlsx/organismes.xlsx')['Offres']
i = [c.value for c in ws[1]].index('Précisions sur le coût')
v = ws.cell(2, i + 1).value
sys.exit(not (len(v) == 32767 and v.startswith('mot mot')))"
	site_test xlsx-long-text-cut "$(grep -m1 xlsx "$TMP/xl.err")"
	rm -rf "$S-xl"

	# A sheet past the row limit keeps the rows it can hold, with a warning, and
	# stays readable (the limit is lowered for the test: 1,048,575 rows is
	# too slow to reach here).
	rm -rf "$TMP/xr-out"
	CARTO_TEST_XLSX_ROWS=10 "$CARTO" build --out "$TMP/xr-out" > /dev/null 2> "$TMP/xr.err" &&
		grep -q '^xlsx/organismes.xlsx: warning: sheet Organismes holds 10 rows, the most a spreadsheet allows' "$TMP/xr.err" &&
		"$PYX" -c "
import openpyxl, sys
ws = openpyxl.load_workbook('$TMP/xr-out/xlsx/organismes.xlsx')['Organismes']
sys.exit(not (ws.max_row == 11 and ws.auto_filter.ref == 'A1:N11'))"
	site_test xlsx-row-limit "$(grep -m1 xlsx "$TMP/xr.err")"
fi
