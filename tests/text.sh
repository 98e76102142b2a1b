# Text that reaches the outputs, sourced by site.sh: the small test site with
# tests/text/site over it (the names of bug-01 and more scripts, the control
# characters of bug-05 and sec-02, the ligatures of bug-08) builds with the
# warnings of tests/text/expected/build.err, every letter a font has reaches
# the PDFs (tests/text/expected/*.txt), every XML output is well-formed and
# search folds what French users type.
T="$TMP/text-$LABEL"
rm -rf "$T"
cp -r tests/check/base "$T"
cp -r tests/text/site/. "$T"/
"$CARTO" build --site "$T" --out "$T/out" > /dev/null 2> "$T/build.err"
rc=$?
sed "s|$T/||" "$T/build.err" | grep -v '^carto:' | diff -u tests/text/expected/build.err - > "$T/diff"
st=$?; detail="exit $rc $(head -c 600 "$T/diff")"; [ $rc = 0 ] && [ $st = 0 ]
site_test text-builds-with-warnings "$detail"

# The fiche keeps Ł Ş ı Đ ặ, Greek, Cyrillic and combining marks; what no font
# has (an emoji, Chinese) is U+FFFD, never '?'; poppler reads it without
# complaint; the booklet, a deck (bold, italic, links) and the title keep them too.
pdftotext "$T/out/pdf/organismes/voix-du-monde.pdf" - 2> "$T/poppler.err" | head -4 |
	diff -u tests/text/expected/voix-du-monde.txt - > "$T/diff"
st=$?; detail="$(head -c 600 "$T/diff") $(head -c 300 "$T/poppler.err")"; [ $st = 0 ] && [ ! -s "$T/poppler.err" ]
site_test text-pdf-letters "$detail"
pdftotext "$T/out/pdf/cartographies/demo.pdf" - 2> /dev/null | tr '\n' ' ' |
	grep -q 'Ștefan, Łódź et Đà Nẵng.*Łucja Kowalczyk, Şükrü Yılmaz, Đặng Thị Lan' &&
	pdfinfo "$T/out/pdf/organismes/voix-du-monde.pdf" | grep -q '^Title: *Les Voix de Vitry – Łucja Kowalczyk, Şükrü Yılmaz, Đặng Thị Lan$' &&
	pdftotext "$T/out/pdf/diaporamas/diaporama-unicode.pdf" - 2> /dev/null | tr '\n' ' ' |
	grep -q 'Ἀλέξανδρος et Светлана .*• Đặng Thị Lan (Hà Nội) et Ştefan • Łódź, Kraków, İstanbul, Đà Nẵng �'
site_test text-pdf-booklet-deck-and-title
# French text is set in the standard Helvetica, not embedded (issue 13: a
# fiche of a few KB, no font file read for each document); a string with a
# letter CP1252 lacks embeds the font that has it.
fonts_fr=$(pdffonts "$T/out/pdf/organismes/asso-test.pdf" 2> /dev/null | tail -n +3)
fonts_uni=$(pdffonts "$T/out/pdf/organismes/voix-du-monde.pdf" 2> /dev/null | tail -n +3)
echo "$fonts_fr" | grep -q '^Helvetica ' && echo "$fonts_fr" | grep -q '^Helvetica-Bold ' &&
	! echo "$fonts_fr" | grep -v '^Helvetica' | grep -q . && ! echo "$fonts_fr" | grep -q ' yes ' &&
	echo "$fonts_uni" | grep -q '^HPDF[A-Z]*+[A-Za-z]*Sans.* yes ' &&
	pdftotext "$T/out/pdf/organismes/asso-test.pdf" - 2> /dev/null | grep -q 'Association Test'
st=$?; detail=$(echo "$fonts_fr" | head -3); [ $st = 0 ]
site_test text-pdf-standard-font-for-french "$detail"
bad=""
for f in "$T"/out/pdf/*/*.pdf; do
	qpdf --check "$f" > /dev/null 2>&1 || bad="$bad $f"
done
[ -z "$bad" ]
site_test text-pdf-qpdf "$bad"

# Feed, sitemap, workbooks and pages are well-formed with control characters
# in titles, summaries and lieux.
py=$(python_with xml.dom.minidom)
"$py" tests/xml_check.py "$T/out" > "$T/xml.out" 2>&1
grep -q '^ok ' "$T/xml.out" && ! grep -q '^FAIL' "$T/xml.out"
st=$?; detail="$(head -5 "$T/xml.out")"; [ $st = 0 ]
site_test text-xml-well-formed "$detail"

# The open data's CSV files leave the control characters and noncharacters
# out as the pages do (a spreadsheet shows them as boxes, or refuses the
# file): no C0 control but tab, LF and CR, no DEL, no C1, no U+FFFE/U+FFFF.
bad=$(cat "$T"/out/data/*.csv | LC_ALL=C grep -c -P '[\x00-\x08\x0B\x0C\x0E-\x1F\x7F]|\xC2[\x80-\x9F]|\xEF\xBF[\xBE\xBF]')
[ "$bad" = 0 ] && ls "$T"/out/data/*.csv > /dev/null
site_test text-csv-control-characters-left-out "$bad lines with one"

# The JSON extracts, the data·inclusion export, the GeoJSON and the pages'
# scripts (search index, rows) leave them out too, raw or as \u escapes: a
# value says the same in every output.
files=$(find "$T/out/data" "$T/out/recherche" "$T/out/cartographies" -type f \( -name '*.json' -o -name '*.geojson' -o -name '*.js' \) 2> /dev/null)
bad=$(cat $files /dev/null | LC_ALL=C grep -c -P '[\x00-\x08\x0B\x0C\x0E-\x1F\x7F]|\xC2[\x80-\x9F]|\xEF\xBF[\xBE\xBF]|\\u00[01][0-9a-fA-F]|\\u007[fF]|\\u00[89][0-9a-fA-F]')
n=$(echo "$files" | grep -c .)
[ "$bad" = 0 ] && [ "$n" -ge 10 ]
site_test text-json-control-characters-left-out "$bad lines with one, in $n files"

# The theme's search script over the built index: ligatures, accents, case;
# every document found by its own title (carto folds as the browser does).
node tests/search_check.js "$T/out" 'coeur=>Cœur' 'CŒUR=>Cœur' 'manoeuvre=>manœuvre' \
	'soeurs aines=>Cœur' 'lucja=>Łucja' 'yilmaz=>Yılmaz' 'dang thi lan=>Đặng' \
	'stefan lodz=>Ștefan' 'zzzqq=>' > "$T/search.out" 2>&1 &&
	node tests/search_check.js "$T/out" --equal 100 >> "$T/search.out" 2>&1
st=$?; detail="$(grep -A2 '^FAIL' "$T/search.out" | head -6)"; [ $st = 0 ]
site_test text-search-folding "$detail"

# Webinars around the clock changes (29 March and 25 October 2026 at 01:30,
# 02:30, 03:30): the calendar files give the right instants (read by
# python3-icalendar), the pages the right wall-clock times, a time that does
# not exist or happens twice is warned about (build.err above), and "today"
# is Paris's: at 23:30 UTC on 28 March the webinar of the 28th is past.
PYI=$(python_with icalendar)
"${PYI:-python3}" - "$T/out" << 'PY' > "$T/ics.out" 2>&1
import datetime, icalendar, sys
out = sys.argv[1]
want = {
    "mars-0130": ("2026-03-29 00:30", "2026-03-29 02:30"),
    "mars-0230": ("2026-03-29 01:30", "2026-03-29 02:30"),
    "octobre-0130": ("2026-10-24 23:30", "2026-10-25 01:30"),
    "octobre-0230": ("2026-10-25 00:30", "2026-10-25 01:30"),
    "octobre-0330": ("2026-10-25 02:30", "2026-10-25 03:00"),
    "veille": ("2026-03-28 19:00", "2026-03-28 20:00"),
}
utc = datetime.timezone.utc
for slug, times in want.items():
    ev = [c for c in icalendar.Calendar.from_ical(open(f"{out}/webinaires/{slug}/{slug}.ics", "rb").read()).walk()
          if c.name == "VEVENT"][0]
    got = tuple(ev.decoded(k).astimezone(utc).strftime("%Y-%m-%d %H:%M") for k in ("dtstart", "dtend"))
    assert got == times, (slug, got, times)
print("ok")
PY
grep -qx ok "$T/ics.out" &&
	grep -q '2026-03-29T01:30">dimanche 29 mars 2026</time>, de 1 h 30 à 4 h 30 ' "$T/out/webinaires/mars-0130/index.html" &&
	grep -q '2026-03-29T03:30">dimanche 29 mars 2026</time>, de 3 h 30 à 4 h 30 ' "$T/out/webinaires/mars-0230/index.html" &&
	grep -q 'de 2 h 30 (heure d’été) à 2 h 30 (heure d’hiver)' "$T/out/webinaires/octobre-0230/index.html" &&
	grep -q 'de 3 h 30 à 4 h 00 ' "$T/out/webinaires/octobre-0330/index.html"
st=$?; detail="$(tail -3 "$T/ics.out")"; [ $st = 0 ]
site_test text-webinars-clock-changes "$detail"
cp -r "$T" "$T-late" && rm -rf "$T-late/out" "$T-late/late"
sed -i 's/mise_a_jour: 2026-10-01/mise_a_jour: 2026-01-15/' "$T-late"/content/organismes/*.yaml
SOURCE_DATE_EPOCH=1774740600 "$CARTO" build --site "$T-late" --out "$T/late" > "$T/late.err" 2>&1 &&
	sed -n '/<h2>Passés/,/<\/main>/p' "$T/late/webinaires/index.html" | grep -q 'webinaires/veille/index.html' &&
	sed -n '/<h2>À venir/,/<h2>Passés/p' "$T/late/webinaires/index.html" | grep -q 'webinaires/mars-0130/index.html'
st=$?; detail="$(grep -v warning "$T/late.err" | head -3)"; [ $st = 0 ]
site_test text-today-in-paris "$detail"
