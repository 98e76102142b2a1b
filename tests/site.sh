# Whole-site tests, sourced by run.sh with CARTO (the binary), LABEL and TMP
# set, and ok/fail defined. Each block is one test.

# A tree's fingerprint: every path with its type and content hash.
tree_sum() {
	(cd "$1" && find . -printf '%y %p\n' | sort | while read -r t p; do
		if [ "$t" = f ]; then echo "$p $(sha256sum < "$p" | cut -c1-16)"; else echo "$t $p"; fi
	done)
}

site_test() { [ $? = 0 ] && ok "$LABEL site/$1" || fail "$LABEL site/$1${2:+: $2}"; }
# The example's site.yaml over a synthetic site (build/gensite): its menu's
# pages that such a site lacks go, since a menu entry that leads nowhere is
# an error.
synthetic_menu() { sed -i '/url: "\(actualites\|webinaires\|a-propos\)\/"/d' "$1"; }
# Callers give a detail as a plain variable: a $(…) in the call would reset $?.

S="$TMP/site-$LABEL"
rm -rf "$S"
cp -r tests/check/base "$S"

# The repository's example site checks with no error and no warning.
out=$("$CARTO" check 2>&1)
rc=$?
[ $rc = 0 ] && ! echo "$out" | grep -q 'warning:'
st=$?; detail="$(echo "$out" | head -5)"; [ "$st" = 0 ]
site_test example-checks-clean "$detail"

# The example site builds, and its open data are there.
rm -rf "$TMP/ex-out"
"$CARTO" build --out "$TMP/ex-out" > /dev/null 2>&1 &&
	[ -s "$TMP/ex-out/data/offres.csv" ] && [ -s "$TMP/ex-out/data/organismes.json" ] &&
	[ -s "$TMP/ex-out/data/offres.geojson" ] && ls "$TMP/ex-out/data/referentiels/"*.json > /dev/null
site_test example-builds

# README's weight of the example site ("about N MB (about M files") stays
# within a quarter of what the build writes.
mb=$(du -sb "$TMP/ex-out" | awk '{ printf "%.1f", $1 / 1e6 }') files=$(find "$TMP/ex-out" -type f | wc -l)
said=$(tr '\n' ' ' < README.md | grep -o 'example site weighs about [0-9.]* MB (about [0-9]* files' | tr -dc '0-9. ')
echo "$said" | awk -v mb="$mb" -v f="$files" '{ exit !(NF == 2 && mb <= 1.25 * $1 && mb >= 0.75 * $1 &&
	f <= 1.25 * $2 && f >= 0.75 * $2) }'
site_test readme-example-weight "README says '$said' (MB, files), the build writes $mb MB in $files files"

# The weight budget (tests/weight.js): a page weighs its gzip size plus that
# of every script and style sheet it loads, as gzip measures them here; a
# page over the budget is named and fails the run.
if [ "$LABEL" = plain ] && command -v node > /dev/null; then
	w="$TMP/ex-out/recherche/index.html"
	want=$(gzip -c < "$w" | wc -c)
	for ref in $(grep -o '<script src="[^"]*"\|<link rel="stylesheet" href="[^"]*"' "$w" | sed 's/.*="\(.*\)"/\1/'); do
		want=$((want + $(gzip -c < "$(dirname "$w")/$ref" | wc -c)))
	done
	node tests/weight.js "$TMP/ex-out" 1 1000 > "$TMP/weight.out" 2> "$TMP/weight.err"
	rc=$?
	got=$(awk -F' *[|] *' '$2 == "recherche/index.html" {print $5}' "$TMP/weight.out")
	top=$(awk -F' *[|] *' '$2 ~ /index.html$/ {print $2; exit}' "$TMP/weight.out")
	[ $rc = 1 ] && awk -v g="$got" -v w="$want" 'BEGIN {exit !(g == sprintf("%.1f", w / 1024))}' &&
		grep -q "^weight: $top: .* over the budget of 1.0 KB\$" "$TMP/weight.err" &&
		node tests/weight.js "$TMP/ex-out" 100000 > /dev/null 2>&1
	st=$?; detail="rc $rc, got $got KB, want $want bytes"; [ $st = 0 ]
	site_test weight-budget "$detail"
fi

# Search in pieces on the example site: typos of one letter after the first
# two in words of five letters or more, none before; titles first; the
# pieces give what the whole index gives.
if [ "$LABEL" = plain ] && command -v node > /dev/null; then
	node tests/search_check.js "$TMP/ex-out" 'framcais=>Français' 'francias=>Français' 'fracais=>Français' \
		'frannçais=>Français' 'zrancais=>' 'fnarcais=>' 'soor=>' 'soir francais=>^Français' \
		'93=>^' 'bobigny=>^' > "$TMP/search-ex.out" 2>&1 &&
		node tests/search_check.js "$TMP/ex-out" --equal 300 >> "$TMP/search-ex.out" 2>&1
	st=$?; detail="$(grep -A2 '^FAIL' "$TMP/search-ex.out" | head -6)"; [ $st = 0 ]
	site_test search-pieces "$detail"
fi

# Unicode, control characters and search folding (tests/text/).
. tests/text.sh

# A character no PDF font has (Chinese, an emoji, a rune) in an
# organisation's name: every PDF that prints it as U+FFFD warns once, at
# the file and line where the name is written, naming the PDF and the
# characters: the organisation's fiche, a fiche whose "Et après ?" leads to
# one of its offers (it used to name that fiche's own file, with no line),
# the booklets that list it (they named the cartography's file).
G="$TMP/glyph-$LABEL"
rm -rf "$G" "$TMP/.glyph-$LABEL-clean"*; mkdir -p "$G"; cp -r content referentiels site.yaml "$G"/
sed -i '0,/nom: "Les Voix de Vitry"/s//nom: "Les Voix de Vitry 李小龍 🙂 ᚠ"/' "$G/content/organismes/les-voix-de-vitry.yaml"
"$CARTO" build --site "$G" --out "$G/out" > "$G/first.out" 2> "$G/first.err"
rc=$?
glyph_chars='李 (U+674E), 小 (U+5C0F), 龍 (U+9F8D), 🙂 (U+1F642), ᚠ (U+16A0) (no font has them'
glyph_got=$(grep -F "cannot print $glyph_chars" "$G/first.err" | sed "s|^$G/||; s|: the PDF documents.*||")
glyph_want="content/organismes/les-voix-de-vitry.yaml:3:27: warning: pdf/cartographies/linguistique-94.pdf
content/organismes/les-voix-de-vitry.yaml:3:27: warning: pdf/cartographies/linguistique.pdf
content/organismes/les-voix-de-vitry.yaml:3:27: warning: pdf/organismes/les-voix-de-vitry.pdf
content/organismes/les-voix-de-vitry.yaml:3:27: warning: pdf/organismes/mots-passants-champigny.pdf"
[ $rc = 0 ] && [ "$glyph_got" = "$glyph_want" ] && [ "$(grep -c 'cannot print' "$G/first.err")" = 4 ] &&
	grep -q '^carto: published .* (4 warnings)$' "$G/first.out"	# the summary counts them
st=$?; detail="exit $rc: $(grep 'cannot print' "$G/first.err" | sed "s|^$G/||" | cut -c1-110) $(tail -1 "$G/first.out")"; [ $st = 0 ]
site_test pdf-unprintable-warns-at-its-file "$detail"
# The PDFs that show U+FFFD are those the warnings name, no more.
if command -v pdftotext > /dev/null; then
	glyph_shown=$(cd "$G/out" && for f in pdf/*/*.pdf; do
		pdftotext "$f" - 2> /dev/null | grep -q '�' && echo "$f"; done)
	[ "$glyph_shown" = "$(echo "$glyph_want" | sed 's/.*warning: //')" ]
	st=$?; detail="shown in: $(echo $glyph_shown)"; [ $st = 0 ]
	site_test pdf-unprintable-every-pdf-warns "$detail"
fi
# A rebuild after a touch of that file, with the cache, says the same
# warnings as a build without it (a document that warned is rendered again,
# never put back silently); the cache's own lines ("carto: …") aside.
sleep 0.02; touch "$G/content/organismes/les-voix-de-vitry.yaml"
"$CARTO" build --site "$G" --out "$G/out" > "$G/cached.out" 2> "$G/cached.err" &&
	"$CARTO" build --no-cache --site "$G" --out "$TMP/glyph-$LABEL-clean" > /dev/null 2> "$G/clean.err" &&
	grep -q 'documents reused from the build cache' "$G/cached.out" &&
	grep -v '^carto:' "$G/cached.err" > "$G/cached.diags" && grep -v '^carto:' "$G/clean.err" > "$G/clean.diags" &&
	diff "$G/clean.diags" "$G/cached.diags" > "$G/diff" && [ "$(grep -c 'cannot print' "$G/cached.diags")" = 4 ]
st=$?; detail="$(head -c 600 "$G/diff") $(grep '^carto:' "$G/cached.out" | tail -1)"; [ $st = 0 ]
site_test pdf-unprintable-warns-again-from-cache "$detail"
# carto check says those warnings as the build does (the same text, file
# and line), without making the PDFs (render/pdf/pdf_check.c).
"$CARTO" check --site "$G" > "$G/check.out" 2> "$G/check.err"
rc=$?
grep 'cannot print' "$G/first.err" > "$G/first.glyph"; grep 'cannot print' "$G/check.err" > "$G/check.glyph"
[ $rc = 0 ] && [ "$(wc -l < "$G/check.glyph")" = 4 ] && cmp -s "$G/first.glyph" "$G/check.glyph" &&
	grep -q ': no error, 4 warnings$' "$G/check.out"
st=$?; detail="exit $rc: $(diff "$G/first.glyph" "$G/check.glyph" | sed "s|$G/||" | cut -c1-110 | head -4) $(cat "$G/check.out")"; [ $st = 0 ]
site_test pdf-unprintable-check-says-it "$detail"
rm -rf "$G" "$TMP/glyph-$LABEL-clean" "$TMP/.glyph-$LABEL-clean"*
unset G glyph_chars glyph_got glyph_want glyph_shown

# Build and check agree on every kind of document and text: characters no
# font has, one written right to left, and some DejaVu Sans has (Nguyễn;
# Tifinagh, which its oblique lacks: the decks' italic) in an organisation's
# name, contact, lieu, transports and offer, a cartography's title, a
# référentiel's short title (the cards of its correspondences), an offer
# type's label, the site's title (every document) and a slide deck's text.
G="$TMP/glyphs-$LABEL"
rm -rf "$G" "$TMP/.glyphs-$LABEL"*; mkdir -p "$G"; cp -r content referentiels site.yaml "$G"/
O="$G/content/organismes/les-voix-de-vitry.yaml"
sed -i '0,/denomination: "Local associatif Balzac"/s//denomination: "Local associatif Balzac ⵣ"/' "$O"
sed -i '0,/transports: "Bus 180 et 183/s//transports: "مرحبا Bus 180 et 183/' "$O"
sed -i '0,/intitule: "ASL femmes/s//intitule: "😀 ASL femmes/' "$O"
sed -i '0,/contact: { nom: "Accueil"/s//contact: { nom: "Nguyễn ᚠ"/' "$O"
sed -i '0,/titre: "Cartographie de l.offre linguistique"/s//titre: "Cartographie 𝄞 linguistique"/' "$G/content/cartographies/linguistique.yaml"
sed -i '0,/titre_court: "CléA"/s//titre_court: "CléA ᚱ"/' "$G/referentiels/clea.yaml"
sed -i '0,/libelle: "Atelier sociolinguistique (ASL)"/s//libelle: "Atelier sociolinguistique ߊ (ASL)"/' "$G/referentiels/vocabulaires.yaml"
sed -i '0,/^titre: "Cartographies franciliennes de la formation"/s//titre: "Cartographies ᚢ franciliennes"/' "$G/site.yaml"
sed -i '0,/^Repères pour orienter vers la bonne formation/s//Repères ⵣ pour orienter vers la bonne formation 🚀/' \
	"$G/content/pages/presenter-la-cartographie.md"
"$CARTO" build --no-cache --site "$G" --out "$G/out" > /dev/null 2> "$G/build.err"
rb=$?
"$CARTO" check --site "$G" > /dev/null 2> "$G/check.err"
rc=$?
grep 'cannot print' "$G/build.err" > "$G/build.glyph"; grep 'cannot print' "$G/check.err" > "$G/check.glyph"
[ $rb = 0 ] && [ $rc = 0 ] && [ "$(wc -l < "$G/build.glyph")" -ge 50 ] && cmp -s "$G/build.glyph" "$G/check.glyph" &&
	grep -q 'warning: pdf/diaporamas/presenter-la-cartographie.pdf: .*ⵣ (U+2D63' "$G/check.glyph" &&
	grep -q 'warning: pdf/cartographies/linguistique.pdf: .*ߊ (U+07CA' "$G/check.glyph" &&
	grep -q 'warning: pdf/referentiels/clea.pdf: ' "$G/check.glyph"
st=$?; detail="exit $rb $rc, $(wc -l < "$G/build.glyph") and $(wc -l < "$G/check.glyph") warnings: $(diff "$G/build.glyph" "$G/check.glyph" | sed "s|$G/||g" | cut -c1-140 | head -4)"; [ $st = 0 ]
site_test pdf-unprintable-check-agrees-with-build "$detail"
rm -rf "$G" "$TMP/.glyphs-$LABEL"*
unset G O rb

# Identical input gives identical output, byte for byte (and with --jobs 1).
"$CARTO" build --site "$S" --out "$TMP/b1" > /dev/null 2>&1 &&
	"$CARTO" build --site "$S" --out "$TMP/b2" --jobs 1 > /dev/null 2>&1 &&
	diff -r "$TMP/b1" "$TMP/b2" > /dev/null && [ -s "$TMP/b1/xlsx/organismes.xlsx" ] &&
	[ -s "$TMP/b1/xlsx/cartographies/demo-93.xlsx" ] && [ -s "$TMP/b1/xlsx/referentiels/mini.xlsx" ]
site_test deterministic

# A failed build leaves the previous output exactly as it was, and says so.
snap=$(tree_sum "$TMP/b1")
cp -r "$S" "$S-bad"
echo "  nom: doublon" >> "$S-bad/content/organismes/asso-test.yaml"
"$CARTO" build --site "$S-bad" --out "$TMP/b1" > /dev/null 2> "$TMP/bad.err"
rc=$?
[ $rc = 1 ] && [ "$snap" = "$(tree_sum "$TMP/b1")" ] &&
	grep -q "^carto: 1 error, 0 warnings: nothing was published; $TMP/b1 is unchanged\$" "$TMP/bad.err"
site_test failed-build-keeps-output "exit $rc"
rm -rf "$S-bad"

# The summaries agree in number with their counts: the check base site has one
# organisation, one offer, two référentiels and one page; with the stale
# organisation of tests/check/cases/org-stale, one warning.
P="$TMP/plural"
rm -rf "$P"
cp -r tests/check/base "$P"
cp tests/check/cases/org-stale/content/organismes/asso-test.yaml "$P/content/organismes/"
"$CARTO" check --site "$P" > "$TMP/plural.out" 2> /dev/null &&
	"$CARTO" build --site "$P" --out "$P/out" >> "$TMP/plural.out" 2> /dev/null &&
	[ "$(cat "$TMP/plural.out")" = "carto: 1 organisation, 1 offer, 2 référentiels, 1 page: no error, 1 warning
carto: published $P/out: 1 organisation, 1 offer, 2 référentiels, 1 page (1 warning)" ]
st=$?; detail=$(cat "$TMP/plural.out"); [ "$st" = 0 ]
site_test summary-plurals "$detail"
rm -rf "$P"

# A write that fails (here, past a file size limit) fails the build with the
# file and the reason as a diagnostic, nothing printed by a backend, and the
# previous output kept. The organisation gets a name in Vietnamese, so that
# the PDFs that show it embed DejaVu Sans and pass the limit (the French
# text's standard font keeps every other file under it; a file whose bytes
# are already published is not written at all).
cp -r "$S" "$S-fw"
sed -i 's/^  nom: "Association Test"/  nom: "Association Test Đặng"/' "$S-fw/content/organismes/asso-test.yaml"
(trap '' XFSZ; ulimit -f 40; "$CARTO" build --site "$S-fw" --out "$TMP/b1" --jobs 2) > /dev/null 2> "$TMP/fw.err"
rc=$?
rm -rf "$S-fw"
[ $rc = 1 ] && [ "$snap" = "$(tree_sum "$TMP/b1")" ] &&
	grep -q '^pdf/[^:]*\.pdf: error: cannot write: File too large$' "$TMP/fw.err" &&
	[ "$(tail -1 "$TMP/fw.err")" = "carto: the site could not be rendered: nothing was published; $TMP/b1 is unchanged" ] &&
	[ "$(grep -vc ': error: cannot write: File too large$' "$TMP/fw.err")" = 1 ]
st=$?; detail="exit $rc: $(head -3 "$TMP/fw.err")"; [ "$st" = 0 ]
site_test failed-write-fails-build "$detail"

# A build killed with SIGKILL half-way leaves the previous output, and the
# next build cleans up what the killed one left. (Without the cache: with
# it, a build where nothing changed would stop at its fingerprint, before
# the pause.)
CARTO_NO_CACHE=1 CARTO_TEST_PAUSE=30 "$CARTO" build --site "$S" --out "$TMP/b1" > /dev/null 2>&1 &
pid=$!
# Half-way is once the new tree holds its files (the build then pauses 30 s
# before publishing): waiting only for the folder raced a loaded machine.
for _ in $(seq 250); do ls "$TMP"/.b1.tmp.*/data/offres.csv > /dev/null 2>&1 && break; sleep 0.1; done
ls "$TMP"/.b1.tmp.*/data/offres.csv > /dev/null 2>&1
half=$?
kill -9 $pid
wait $pid 2> /dev/null
[ $half = 0 ] && [ "$snap" = "$(tree_sum "$TMP/b1")" ]
site_test sigkill-keeps-output
"$CARTO" build --site "$S" --out "$TMP/b1" > /dev/null 2>&1 &&
	! ls -d "$TMP"/.b1.tmp.* > /dev/null 2>&1 && [ "$snap" = "$(tree_sum "$TMP/b1")" ]
site_test next-build-cleans-leftovers

# Without RENAME_EXCHANGE (forced by CARTO_TEST_NO_EXCHANGE), a build killed
# between its two renames leaves the previous site aside as .b1.old.PID and no
# --out: the next build puts it back first, so a build that then fails leaves
# it exactly as it was (sec-05); a good build publishes and leaves nothing.
sh -c 'exit 0' & dead=$!; wait $dead
mv "$TMP/b1" "$TMP/.b1.old.$dead" && mkdir -p "$TMP/.b1.tmp.$dead/data"
cp -r "$S" "$S-bad"
echo "  nom: doublon" >> "$S-bad/content/organismes/asso-test.yaml"
CARTO_TEST_NO_EXCHANGE=1 "$CARTO" build --site "$S-bad" --out "$TMP/b1" > /dev/null 2>&1
rc=$?
[ $rc = 1 ] && [ "$snap" = "$(tree_sum "$TMP/b1")" ] && ! ls -d "$TMP"/.b1.tmp.* "$TMP"/.b1.old.* > /dev/null 2>&1
site_test sec-05-killed-fallback-then-failed-build-keeps-site "exit $rc"
rm -rf "$S-bad"
CARTO_TEST_NO_EXCHANGE=1 "$CARTO" build --site "$S" --out "$TMP/b1" > /dev/null 2>&1 &&
	[ "$snap" = "$(tree_sum "$TMP/b1")" ] && ! ls -d "$TMP"/.b1.tmp.* "$TMP"/.b1.old.* > /dev/null 2>&1
site_test fallback-publishes
# The same with the kill placed by strace between the renames, as in the case.
if can_strace "site/sec-05-sec-12 strace kills and disk full"; then
	killed=$( (CARTO_NO_CACHE=1 strace -f -qq -o /dev/null -e trace=renameat2,rename -e inject=renameat2:error=EINVAL \
		-e inject=rename:signal=SIGKILL:when=2 "$CARTO" build --site "$S" --out "$TMP/b1" > /dev/null 2>&1
		echo $?) 2> /dev/null)
	# A disk full at a thread's third mkdir (strace counts each thread's
	# calls; a build makes each folder once, the workers a few each); the
	# write that failed is named with its errno, taken in the thread where
	# it failed (sec-12; --jobs 2: workers).
	CARTO_NO_CACHE=1 strace -f -qq -o /dev/null -e trace=mkdir -e inject=mkdir:error=ENOSPC:when=3 \
		"$CARTO" build --jobs 2 --site "$S" --out "$TMP/b1" > /dev/null 2> "$TMP/enospc.err"
	rc=$?
	[ $killed = 137 ] && [ $rc = 1 ] && [ "$snap" = "$(tree_sum "$TMP/b1")" ] &&
		grep -q '^[a-z/.0-9-]*: error: cannot write: No space left on device$' "$TMP/enospc.err" &&
		! ls -d "$TMP"/.b1.tmp.* "$TMP"/.b1.old.* > /dev/null 2>&1
	st=$?; detail="killed $killed, exit $rc: $(head -c 200 "$TMP/enospc.err")"; [ $st = 0 ]
	site_test sec-05-sec-12-strace-kill-then-disk-full "$detail"
	rm -f "$TMP/enospc2.err"
	# Without the build cache, whose documents put back make no library
	# call, so the calls strace counts stay those of a full build.
	for n in 2 5 60 100 5; do
		CARTO_NO_CACHE=1 strace -f -qq -o /dev/null -e trace=mkdir -e inject=mkdir:error=ENOSPC:when=$n \
			"$CARTO" build --site "$S" --out "$TMP/b1" > /dev/null 2>> "$TMP/enospc2.err"
	done
	[ "$(grep -c ': error: cannot write: No space left on device$' "$TMP/enospc2.err")" -ge 3 ] && ! grep -q 'File exists' "$TMP/enospc2.err" &&
		[ "$snap" = "$(tree_sum "$TMP/b1")" ]
	st=$?; detail=$(head -c 300 "$TMP/enospc2.err"); [ $st = 0 ]
	site_test sec-12-write-failure-true-errno "$detail"
fi

# A file-size limit (ulimit -f, which an IT team may set on a nightly job):
# the write past it fails with EFBIG instead of killing carto with SIGXFSZ,
# so the build names the files, stops and leaves the output as it was; the
# next build without the limit publishes a clean build's bytes. 60 offers
# make the pages and extracts of the organisation larger than the limit.
F="$TMP/fsz"
rm -rf "$F" "$F-clean" && cp -r tests/check/base "$F" &&
	"$CARTO" build --site "$F" --out "$F/out" > /dev/null 2>&1
fsz_was=$(tree_sum "$F/out")
python3 - "$F/content/organismes/asso-test.yaml" << 'PY'
import sys
p = sys.argv[1]
lines = open(p).read().split("\n")
a = next(i for i, l in enumerate(lines) if l.startswith("    - id: fle-soir"))
b = next(i for i, l in enumerate(lines) if l.startswith("  meta:"))
more = []
for n in range(1, 61):
    more += [lines[a].replace("fle-soir", "fle-soir-%d" % n)] + lines[a + 1:b]
open(p, "w").write("\n".join(lines[:b] + more + lines[b:]))
PY
(ulimit -f 24; exec "$CARTO" build --site "$F" --out "$F/out") > /dev/null 2> "$F.err"
rc=$?
[ $rc = 1 ] && grep -q '^[a-z/.]*: error: cannot write: File too large$' "$F.err" &&
	grep -q 'nothing was published' "$F.err" && [ "$fsz_was" = "$(tree_sum "$F/out")" ]
st=$?; detail="exit $rc: $(head -c 300 "$F.err")"; [ $st = 0 ]
site_test file-size-limit-is-an-error "$detail"
"$CARTO" build --site "$F" --out "$F/out" > /dev/null 2>&1 &&
	"$CARTO" build --no-cache --site "$F" --out "$F-clean" > /dev/null 2>&1 &&
	[ "$(tree_sum "$F/out")" = "$(tree_sum "$F-clean")" ] && grep -q fle-soir-60 "$F/out/organismes/asso-test/index.html"
site_test file-size-limit-then-builds
# A workbook whose rows carto assembles (xlsx_pieces.c) and whose write fails
# past the limit says why, as any other file does, not only that the rows
# could not be assembled. The limit is just under the directory workbook's
# size, above that of libxlsxwriter's file without its rows: the assembly
# fails, not the library (whose own "[ERROR]" lines would show).
fsz_lim=$((($(stat -c %s "$F/out/xlsx/organismes.xlsx") - 1) / 1024))
rm -rf "$F-lim"
(ulimit -f "$fsz_lim"; exec "$CARTO" build --no-cache --site "$F" --out "$F-lim") > /dev/null 2> "$F.err"
rc=$?
[ $rc = 1 ] && grep -qx 'xlsx/organismes.xlsx: error: cannot write: File too large' "$F.err" &&
	! grep -q 'could not be assembled\|^\[ERROR\]' "$F.err"
st=$?; detail="limit $fsz_lim KB, exit $rc: $(grep xlsx "$F.err" | head -c 300)"; [ $st = 0 ]
site_test xlsx-assembly-failure-says-why "$detail"
rm -rf "$F" "$F-clean" "$F-lim" "$F.err"
unset F fsz_was fsz_lim	# sourced into run_suite: its own names (before, …) stay its own

# A read-only old output carto wrote becomes the spare, and the next build
# updates it all the same (sec-11). Something in the spare that cannot be
# removed is reported, build after build, once each time and counted in the
# summary, and never published: the site is published from a clean copy (the build cache, .out.cache, sits beside them). Run as nobody when root (root ignores modes),
# in a folder nobody can reach.
RO=$(mktemp -d /tmp/carto-ro.XXXXXX) && chmod 755 "$RO"
if [ "$(id -u)" = 0 ] && command -v runuser > /dev/null; then
	as_user() { runuser -u nobody -- "$@"; }
	mkdir -p "$RO" && cp -r "$S" "$RO/site" && chown -R nobody "$RO" && chmod 755 "$RO"
else
	as_user() { "$@"; }
	mkdir -p "$RO" && cp -r "$S" "$RO/site"
fi
as_user "$CARTO" build --site "$RO/site" --out "$RO/out" > /dev/null 2>&1 && chmod 555 "$RO/out" &&
	as_user "$CARTO" build --site "$RO/site" --out "$RO/out" > /dev/null 2> "$TMP/ro.err" &&
	[ ! -s "$TMP/ro.err" ] && [ "$(ls -a "$RO" | wc -l)" = 6 ] && [ -d "$RO/.out.spare" ] && [ -d "$RO/.out.cache" ] &&
	as_user "$CARTO" build --site "$RO/site" --out "$RO/out" > /dev/null 2> "$TMP/ro.err" &&
	[ ! -s "$TMP/ro.err" ] && [ "$(ls -a "$RO" | wc -l)" = 6 ] && [ "$(tree_sum "$RO/out")" = "$snap" ]
site_test sec-11-read-only-old-output-reused
# Published folders and files get the modes a fresh build gives them (0777
# and 0666 less the umask), whatever modes the previous output or the spare
# had: a folder left 0700 or 0000 answers 403 to a web server of another
# user. Checked with stat (root reads whatever the mode).
rm -rf "$TMP/modes-out" "$TMP/.modes-out.spare"
wd=$(printf '%o' $((0777 & ~$(umask)))) wf=$(printf '%o' $((0666 & ~$(umask))))
"$CARTO" build --site "$S" --out "$TMP/modes-out" > /dev/null 2>&1 &&
	chmod 000 "$TMP/modes-out/organismes" && chmod 700 "$TMP/modes-out/assets" &&
	chmod 600 "$TMP/modes-out/index.html" && chmod 700 "$TMP/modes-out" &&
	"$CARTO" build --site "$S" --out "$TMP/modes-out" > /dev/null 2> "$TMP/modes.err" &&
	"$CARTO" build --site "$S" --out "$TMP/modes-out" > /dev/null 2>> "$TMP/modes.err" &&
	[ ! -s "$TMP/modes.err" ] && [ "$(stat -c %a "$TMP/modes-out/organismes")" = "$wd" ] &&
	[ -z "$(find "$TMP/modes-out" -type d ! -perm "$wd"; find "$TMP/modes-out" -type f ! -perm "$wf")" ]
st=$?; detail="$(find "$TMP/modes-out" \( -type d ! -perm "$wd" \) -o \( -type f ! -perm "$wf" \) | head -3) $(head -2 "$TMP/modes.err")"; [ "$st" = 0 ]
site_test published-modes-as-fresh "$detail"
rm -rf "$TMP/modes-out" "$TMP/.modes-out.spare"
# A mode carto cannot change (a file of root's, kept from the spare, in a
# build run as nobody) is a warning, counted in the summary.
if [ "$(id -u)" = 0 ] && command -v runuser > /dev/null; then
	MO=$(mktemp -d /tmp/carto-mo.XXXXXX) && chmod 755 "$MO" && cp -r "$S" "$MO/site" && chown -R nobody "$MO"
	ix="$MO/site/content/pages/index.md"
	as_user "$CARTO" build --site "$MO/site" --out "$MO/out" > /dev/null 2>&1 &&
		sed -i 's/^titre: "Accueil"/titre: "Accueil B"/' "$ix" &&
		as_user "$CARTO" build --site "$MO/site" --out "$MO/out" > /dev/null 2>&1 &&
		sed -i 's/^titre: "Accueil B"/titre: "Accueil"/' "$ix" &&
		chown root "$MO/.out.spare/index.html" && chmod 444 "$MO/.out.spare/index.html" &&
		as_user "$CARTO" build --site "$MO/site" --out "$MO/out" > "$TMP/mo.out" 2> "$TMP/mo.err" &&
		grep -q "^$MO/out/index.html: warning: published with mode 0444, not 0$wf: carto cannot change it (Operation not permitted)$" "$TMP/mo.err" &&
		grep -q '(1 warning)$' "$TMP/mo.out"
	st=$?; detail="$(cat "$TMP/mo.err" "$TMP/mo.out" | head -3)"; [ "$st" = 0 ]
	site_test published-mode-unchangeable-warns "$detail"
	rm -rf "$MO"
fi
if [ "$(id -u)" = 0 ] && command -v runuser > /dev/null; then
	mkdir "$RO/out/pas-a-moi" && touch "$RO/out/pas-a-moi/f"	# root's: nobody cannot remove it
	# A build where nothing changed stops at its fingerprint and leaves the
	# spare alone: a file touched makes each build run.
	as_user "$CARTO" build --site "$RO/site" --out "$RO/out" > /dev/null 2> "$TMP/ro.err"
	r1=$?
	touch "$RO/site/site.yaml"
	as_user "$CARTO" build --site "$RO/site" --out "$RO/out" > /dev/null 2> "$TMP/ro2.err"
	r2=$?
	touch "$RO/site/site.yaml"
	as_user "$CARTO" build --site "$RO/site" --out "$RO/out" > "$TMP/ro3.out" 2> "$TMP/ro3.err"
	r3=$?
	# Each is one warning through the diagnostics, counted in the summary:
	# the leftover was warned about twice (publish_recover and
	# publish_begin) and never counted.
	[ $r1 = 0 ] && [ $r2 = 0 ] && [ $r3 = 0 ] && [ ! -e "$RO/out/pas-a-moi" ] &&
		[ "$(tree_sum "$RO/out")" = "$snap" ] &&
		[ "$(grep -c 'warning' "$TMP/ro2.err")" = 1 ] &&
		grep -q '\.out\.tmp\.[0-9]*/pas-a-moi: warning: cannot be removed from the previous site this build updated (Permission denied)' "$TMP/ro2.err" &&
		[ "$(grep -c 'warning' "$TMP/ro3.err")" = 1 ] &&
		grep -q '\.out\.tmp\.[0-9]*: warning: a previous build.s leftover cannot be removed (Permission denied): remove it by hand$' "$TMP/ro3.err" &&
		grep -q '^carto: published .*(1 warning)$' "$TMP/ro3.out"
	st=$?; detail="$r1 $r2 $r3 $(cat "$TMP/ro.err" "$TMP/ro2.err" "$TMP/ro3.err")"; [ $st = 0 ]
	site_test sec-11-unremovable-old-output-reported "$detail"
fi
rm -rf "$RO"

# A rebuild writes only what changed (issue 13): over the previous output,
# a file whose bytes are the same keeps its inode and mtime (rsync sends
# nothing), a changed file is a new one, what is no longer produced goes
# (a page and its folder), each folder is created once, and the result is
# byte for byte a build from nothing. The published site's files are never
# written into: the spare shares them by hard links.
P="$TMP/pub"
rm -rf "$P" "$TMP"/.pub.* "$S-pub" "$TMP/pub-fresh"
cp -r "$S" "$S-pub"
printf -- '---\ntitre: "Une page"\nresume: "Elle va partir."\n---\n\nTexte.\n' > "$S-pub/content/pages/partira.md"
"$CARTO" build --site "$S-pub" --out "$P" > /dev/null 2>&1 &&
	"$CARTO" build --site "$S-pub" --out "$P" > /dev/null 2>&1
r0=$?
stamp() { (cd "$P" && find . -type f -printf '%p %i %T@\n' | sort); }
stamp > "$TMP/pub.0"
pub_idx=$(ls "$P"/pdf/organismes/*.pdf | head -1)
pub_ino=$(stat -c %i "$pub_idx")
rm "$S-pub/content/pages/partira.md"
sed -i 's/^  nom: "Association Test"/  nom: "Association Test renommée"/' "$S-pub/content/organismes/asso-test.yaml"
if can_strace "site/publish-writes-only-changes"; then
	# LeakSanitizer cannot run under ptrace: no leak check for this one build.
	ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" \
		strace -f -qq -o "$TMP/pub.strace" -e trace=mkdir,mkdirat "$CARTO" build --site "$S-pub" --out "$P" > /dev/null 2>&1
else
	"$CARTO" build --site "$S-pub" --out "$P" > /dev/null 2>&1 && : > "$TMP/pub.strace"
fi
r1=$?
stamp > "$TMP/pub.1"
"$CARTO" build --site "$S-pub" --out "$TMP/pub-fresh" > /dev/null 2>&1
same=$(join "$TMP/pub.0" "$TMP/pub.1" | awk '$2 == $4 && $3 == $5' | wc -l)
changed=$(join "$TMP/pub.0" "$TMP/pub.1" | awk '$2 != $4' | wc -l)
dirs=$(find "$P" -type d | wc -l)
mkdirs=$(grep -o 'mkdir("[^"]*"' "$TMP/pub.strace" | sort -u | wc -l)	# threads may race to one
[ $r0 = 0 ] && [ $r1 = 0 ] && diff -r "$P" "$TMP/pub-fresh" > /dev/null &&
	[ ! -e "$P/partira" ] && [ -e "$S-pub/content/pages/index.md" ] &&
	grep -q 'Association Test renommée' "$P/organismes/asso-test/index.html" &&
	[ "$same" -gt 20 ] && [ "$changed" -ge 3 ] && [ "$mkdirs" -le "$dirs" ] &&
	[ "$(stat -c %i "$pub_idx")" != "$pub_ino" ] && [ -d "$TMP/.pub.spare" ] &&
	[ "$(stat -c %h "$P/robots.txt")" = 2 ]
st=$?; detail="exit $r0 $r1, $same kept, $changed rewritten, mkdir of $mkdirs paths for $dirs folders"; [ $st = 0 ]
site_test publish-writes-only-changes "$detail"
rm -rf "$S-pub" "$TMP/pub-fresh"

# A first build leaves a spare (hard links to every file it published), so
# the first rebuild costs what the next ones do: it makes no link and reads
# no more of the published files than a later rebuild (the identities the
# cache records are taken again once the links changed the files' ctime).
P="$TMP/first"
rm -rf "$P" "$TMP"/.first.* "$S-first"
cp -r "$S" "$S-first"
org=$(ls "$S-first"/content/organismes/*.yaml | head -1)
published_opens() {	# the build's opens of published files, links made
	touch "$org"
	ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" \
		strace -f -qq -o "$TMP/first.strace" -e trace=openat,link,linkat "$CARTO" build --site "$S-first" --out "$P" > /dev/null 2>&1 &&
		echo "$(grep -c "open[^\"]*\"$P/" "$TMP/first.strace") $(grep -c ' link' "$TMP/first.strace")"
}
if can_strace "site/first-rebuild-costs-what-later-ones-do"; then
	"$CARTO" build --site "$S-first" --out "$P" > /dev/null 2>&1 && [ -d "$TMP/.first.spare" ] &&
		[ "$(find "$P" -type f -links 1 | wc -l)" = 0 ] &&
		first=$(published_opens) && later=$(published_opens) &&
		[ "${first#* }" = 0 ] && [ "${first% *}" -le "${later% *}" ] && [ "${later#* }" = 0 ]
	st=$?; detail="first rebuild: $first (opens, links); a later one: $later"; [ $st = 0 ]
	site_test first-rebuild-costs-what-later-ones-do "$detail"
fi
rm -rf "$S-first" "$P" "$TMP"/.first.*

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

# Ids and slugs at the longest check accepts (200 bytes a name, 1000 a page's
# slug, 200 a deck's whole slug) build: check refuses what the file system
# could not hold (bug-07, sec-13: tests/check/cases), and nothing less.
cp -r "$S" "$S-long"
l200=$(printf '%0200d' 0 | tr 0 i)
sed -i "s/^  id: asso-test/  id: $l200/" "$S-long/content/organismes/asso-test.yaml"
sed "s/^  id: demo/  id: $l200/" "$S-long/content/cartographies/demo.yaml" > "$S-long/content/cartographies/$l200.yaml"
rm "$S-long/content/cartographies/demo.yaml"
sed -i "s|cartographies/demo/|cartographies/$l200/|" "$S-long/site.yaml"	# the menu follows it
printf -- '---\ntitre: "Deck"\nslug: "%s"\ntype: diaporama\n---\nUn\n\n---\n\nDeux\n' "$l200" > "$S-long/content/pages/deck.md"
printf -- '---\ntitre: "Profond"\nslug: "%s/%s/%s/%s"\n---\nUn\n' "$l200" "$l200" "$l200" "$l200" > "$S-long/content/pages/deep.md"
"$CARTO" build --site "$S-long" --out "$TMP/long-out" > /dev/null 2> "$TMP/long.err" &&
	[ -s "$TMP/long-out/pdf/diaporamas/$l200-support.pdf" ] && [ -s "$TMP/long-out/xlsx/cartographies/$l200-93.xlsx" ] &&
	[ -s "$TMP/long-out/organismes/$l200/index.html" ]
st=$?; detail=$(head -c 300 "$TMP/long.err"); [ "$st" = 0 ]
site_test longest-ids-build "$detail"
rm -rf "$S-long" "$TMP/long-out"

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

# --base-url follows site.yaml's base_url rule (bug-04): a value without its
# final '/' or that is not an http(s) address is a usage error, nothing built;
# a right one reaches the sitemap.
"$CARTO" build --site "$S" --out "$TMP/bu1" --base-url "https://www.exemple.fr/cartos" > /dev/null 2> "$TMP/bu.err"; r1=$?
"$CARTO" build --site "$S" --out "$TMP/bu1" --base-url "pas une adresse" > /dev/null 2>&1; r2=$?
"$CARTO" build --site "$S" --out "$TMP/bu2" --base-url "https://www.exemple.fr/cartos/" > /dev/null 2>&1; r3=$?
[ $r1 = 2 ] && [ $r2 = 2 ] && [ $r3 = 0 ] && [ ! -e "$TMP/bu1" ] && grep -q "must end with '/'" "$TMP/bu.err" &&
	grep -q '<loc>https://www.exemple.fr/cartos/[a-z]' "$TMP/bu2/sitemap.xml"
site_test bug-04-base-url-option-validated "$r1 $r2 $r3"
rm -rf "$TMP/bu2"

# Help: carto help, carto help COMMAND and carto COMMAND --help exit 0 with
# the command's usage; an unknown topic is a usage error.
"$CARTO" help > "$TMP/help.out" 2>&1 && grep -q '^usage: carto build' "$TMP/help.out" &&
	grep -q 'carto init DIR' "$TMP/help.out" &&
	"$CARTO" help build > "$TMP/help-build.out" && "$CARTO" build --help > "$TMP/build-help.out" &&
	cmp -s "$TMP/help-build.out" "$TMP/build-help.out" && grep -q '^usage: carto build' "$TMP/build-help.out" &&
	"$CARTO" init -h | grep -q '^usage: carto init DIR' && "$CARTO" --help > /dev/null &&
	grep -q 'carto import lheo FILE.xml' "$TMP/help.out" &&
	"$CARTO" import --help | grep -q '^usage: carto import lheo FILE.xml'
st=$?; "$CARTO" help frobnicate > /dev/null 2>&1; r=$?; [ $st = 0 ] && [ $r = 2 ]
site_test help "$r"

# --option=value is the same as --option value; a switch takes no value, a
# number is checked, an option of another command is refused.
rm -rf "$TMP/eq-out"
"$CARTO" build --site="$S" --out="$TMP/eq-out" --jobs=1 --base-url=https://egal.exemple.fr/ > /dev/null 2>&1 &&
	grep -q 'href="https://egal.exemple.fr/index.html"\|https://egal.exemple.fr/' "$TMP/eq-out/sitemap.xml"
st=$?
"$CARTO" build --site "$S" --drafts=1 --out "$TMP/eq2" > /dev/null 2>&1; r1=$?
"$CARTO" check --site "$S" --jobs=x > /dev/null 2>&1; r2=$?
"$CARTO" check --site "$S" --out "$TMP/eq2" > /dev/null 2>&1; r3=$?
"$CARTO" build --site > /dev/null 2>&1; r4=$?
[ $st = 0 ] && [ $r1 = 2 ] && [ $r2 = 2 ] && [ $r3 = 2 ] && [ $r4 = 2 ]
site_test option-equals-value "$st $r1 $r2 $r3 $r4"

# A switch from the environment takes 1, true or yes, 0, false or no, in any
# case; anything else is a usage error that lists them.
rm -rf "$TMP/sw-out"
CARTO_DRAFTS=TRUE CARTO_NO_CACHE=No "$CARTO" build --site "$S" --out "$TMP/sw-out" > /dev/null 2>&1; sw_r1=$?
sw_said=$(CARTO_DRAFTS=maybe "$CARTO" build --site "$S" --out "$TMP/sw-out" 2>&1 > /dev/null); sw_r3=$?
rm -rf "$TMP/sw-out" "$TMP/.sw-out."*
[ $sw_r1 = 0 ] && [ $sw_r3 = 2 ] && echo "$sw_said" | grep -q "1, true or yes, or 0, false or no, not 'maybe'"
site_test switch-values-any-case "$sw_r1 $sw_r3: $sw_said"
unset sw_r1 sw_r3 sw_said

# A command short of its operands says what it needs and how to write it
# (exit 2); carto new names carto init for a site and the folder for a
# cartography.
r=""
for a in "new" "new page" "init" "theme" "import lheo"; do
	# shellcheck disable=SC2086
	"$CARTO" $a > /dev/null 2> "$TMP/op.err"; rc=$?
	[ $rc = 2 ] && grep -q "^carto: ${a%% *} needs .*: carto ${a%% *} " "$TMP/op.err" || r="$r [$a: $rc $(head -1 "$TMP/op.err")]"
done
"$CARTO" new site x --site "$S" > /dev/null 2> "$TMP/op.err" && r="$r [new site accepted]"
grep -q "not 'site' (a new site is made by carto init FOLDER)" "$TMP/op.err" || r="$r [new site: $(cat "$TMP/op.err")]"
"$CARTO" new cartographie x --site "$S" > /dev/null 2> "$TMP/op.err" && r="$r [new cartographie accepted]"
grep -q "not 'cartographie' (a cartography is a file of content/cartographies/" "$TMP/op.err" ||
	r="$r [new cartographie: $(cat "$TMP/op.err")]"
[ -z "$r" ]
site_test usage-operands-named "$r"

# A SOURCE_DATE_EPOCH that is not a number of seconds is refused (exit 2),
# not read as 1970 (reproducible-builds.org: "If the value is malformed,
# the build process SHOULD exit with a non-zero error code"); empty is unset.
r=""
for v in abc 12x -5 1.5 253402300800; do
	SOURCE_DATE_EPOCH=$v "$CARTO" check --site "$S" > /dev/null 2> "$TMP/sde.err"; rc=$?
	[ $rc = 2 ] && grep -q "^carto: SOURCE_DATE_EPOCH='$v' is not a number of seconds since 1970-01-01" "$TMP/sde.err" ||
		r="$r [$v: $rc $(head -1 "$TMP/sde.err")]"
done
for v in "" 1795000000; do
	SOURCE_DATE_EPOCH=$v "$CARTO" check --site "$S" > /dev/null 2>&1 || r="$r [$v refused]"
done
[ -z "$r" ]
site_test source-date-epoch-malformed-refused "$r"

# The environment gives the common settings (CARTO_SITE, CARTO_OUT,
# CARTO_BASE_URL, CARTO_JOBS…); the command line wins over it; a wrong
# value is a usage error that names the variable.
rm -rf "$TMP/env-out" "$TMP/env-out2"
(cd "$TMP" && CARTO_SITE="$S" CARTO_OUT="$TMP/env-out" CARTO_BASE_URL=https://env.exemple.fr/ CARTO_JOBS=1 \
	"$CARTO" build > /dev/null 2>&1) && grep -q 'https://env.exemple.fr/' "$TMP/env-out/sitemap.xml" &&
	CARTO_BASE_URL=https://env.exemple.fr/ "$CARTO" build --site "$S" --out "$TMP/env-out2" \
	    --base-url https://cli.exemple.fr/ > /dev/null 2>&1 &&
	grep -q 'https://cli.exemple.fr/' "$TMP/env-out2/sitemap.xml" && ! grep -q 'env.exemple' "$TMP/env-out2/sitemap.xml" &&
	! CARTO_JOBS=lots "$CARTO" check --site "$S" > /dev/null 2> "$TMP/env.err" &&
	grep -q "^carto: CARTO_JOBS takes a number from 1 to 256, not 'lots'" "$TMP/env.err" &&
	! CARTO_BASE_URL=https://env.exemple.fr "$CARTO" build --site "$S" --out "$TMP/env-out3" > /dev/null 2> "$TMP/env.err" &&
	grep -q "^carto: CARTO_BASE_URL 'https://env.exemple.fr' must end with '/'" "$TMP/env.err" && [ ! -e "$TMP/env-out3" ]
site_test environment-overrides

# carto new scaffolds files that check with no error; each placeholder of
# the organisation left unfilled is a warning.
cp -r "$S" "$S-new"
"$CARTO" new page nouvelle-page --site "$S-new" > /dev/null &&
	"$CARTO" new organisme nouvel-organisme --site "$S-new" > /dev/null &&
	"$CARTO" new webinaire nouveau-webinaire --site "$S-new" > /dev/null &&
	"$CARTO" new diaporama nouveau-diaporama --site "$S-new" > /dev/null &&
	"$CARTO" build --drafts --site "$S-new" --out "$TMP/new-out" > /dev/null 2>&1 &&
	[ -f "$TMP/new-out/webinaires/nouveau-webinaire/nouveau-webinaire.ics" ] &&
	[ "$(grep -c '<section class="slide"' "$TMP/new-out/nouveau-diaporama/index.html")" = 2 ] &&
	! "$CARTO" new page nouvelle-page --site "$S-new" > /dev/null 2>&1 &&
	"$CARTO" check --site "$S-new" > /dev/null 2> "$TMP/new.err" &&
	[ "$(grep -c 'nouvel-organisme.yaml:.*warning: .* is still the placeholder written by carto new' "$TMP/new.err")" = 4 ]
st=$?; detail="$(head -3 "$TMP/new.err")"; [ "$st" = 0 ]
site_test new-scaffolds "$detail"
# Each placeholder's warning is at the line and column where its value is
# written (the quote that opens it), from check, from a build, and from a
# build that takes the organisation from its record in the load snapshot
# (site.yaml touched: the fingerprint misses, the records hold).
f="$S-new/content/organismes/nouvel-organisme.yaml"
at() { awk -v v="\"$1\"" '(i = index($0, v)) { print NR ":" i; exit }' "$f"; }
placed() {	# placed FILE: every placeholder's warning at its value
	for v in "Nom de l'organisme" "00 00 00 00 00" "a-remplacer@exemple.invalid" "Adresse à remplacer"; do
		grep -F "nouvel-organisme.yaml:$(at "$v"): warning: " "$1" |
			grep -qF "'$v' is still the placeholder written by carto new" || return 1
	done
}
placed "$TMP/new.err" &&
	"$CARTO" build --site "$S-new" --out "$TMP/new-out2" > /dev/null 2> "$TMP/new-b1.err" && placed "$TMP/new-b1.err" &&
	touch "$S-new/site.yaml" &&
	CARTO_TIMING=1 "$CARTO" build --site "$S-new" --out "$TMP/new-out2" > /dev/null 2> "$TMP/new-b2.err" &&
	grep -q '^carto: load-records [1-9][0-9]* organisations taken' "$TMP/new-b2.err" && placed "$TMP/new-b2.err"
st=$?; detail="$(grep -h 'nouvel-organisme.yaml' "$TMP/new.err" "$TMP/new-b2.err" 2>&1 | head -8)"; [ "$st" = 0 ]
site_test new-placeholders-placed "$detail"
rm -rf "$S-new" "$TMP/new-out" "$TMP/new-out2" "$TMP/.new-out2".*

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
# Every internal link of every page leads to a file of the build (the
# footer's "Plan du site", "Mentions légales" and "Accessibilité" included).
detail=$(python3 tests/links.py "$h" 2>&1)
site_test html-links-resolve "$detail"

# sitemap.xml lists every HTML page of the build (cartographies, their
# département and commune pages, directory, search, data, legal pages…) and
# nothing else; past its limit (50,000, lowered here) it is an index of
# sitemap-N.xml files that together hold the same URLs.
base=$(sed -n 's/^base_url: "\(.*\)"/\1/p' site.yaml)
want=$(cd "$h" && find . -name index.html | sed 's|^\./||; s|index\.html$||' | sort)
got=$(grep -o '<loc>[^<]*</loc>' "$h/sitemap.xml" | sed "s|<loc>$base||; s|</loc>||" | sort)
[ "$want" = "$got" ] && echo "$got" | grep -q '^cartographies/linguistique/93/$' &&
	echo "$got" | grep -q '^plan-du-site/$' && echo "$got" | grep -q '^data/$'
detail=$(diff <(echo "$want") <(echo "$got") | head -5)
site_test sitemap-every-page "$detail"
CARTO_TEST_SITEMAP_MAX=30 "$CARTO" build --out "$TMP/sm-out" > /dev/null 2>&1 &&
	[ "$(grep -c '<sitemap><loc>' "$TMP/sm-out/sitemap.xml")" = "$(( ($(echo "$want" | wc -l) + 29) / 30 ))" ] &&
	grep -q '<sitemapindex' "$TMP/sm-out/sitemap.xml" && [ "$(grep -c '<url>' "$TMP/sm-out/sitemap-1.xml")" = 30 ] &&
	[ "$(cat "$TMP/sm-out"/sitemap-*.xml | grep -o '<loc>[^<]*</loc>' | sed "s|<loc>$base||; s|</loc>||" | sort)" = "$want" ]
site_test sitemap-index-past-limit
rm -rf "$TMP/sm-out"

# Map markers: none hides another (centres closer than a marker's radius
# are one marker, bug-11: three organisations 1.5-1.9 px apart in
# Saint-Denis; no two drawn circles overlap, with a group's larger radius,
# issue 16's review: groups 8.6 px apart in the zoom on Paris), and a
# grouped marker names every organisation of its offers (bug-12: two
# organisations in one building), on the example and with the organisation
# moved next door; the synthetic site's maps below too.
detail=$(python3 tests/markers.py "$h" 2>&1)
site_test map-markers-group-and-name "$detail"
# The example's accessibility declaration says what is true of its maps: no
# marker covers another (markers.py above), so no non-conformity says they
# overlap (issue 16's review: critère 10.11 still said so).
python3 tests/markers.py "$h" > /dev/null 2>&1 && ! grep -qi 'repères.*\(recouvr\|chevauch\|superpos\)' site.yaml
site_test accessibility-declaration-maps-true
rm -rf "$S-mk"; mkdir -p "$S-mk"; cp -r content referentiels site.yaml "$S-mk"/
sed -i 's/geo: { lat: 48.9351, lon: 2.3628 }/geo: { lat: 48.9382, lon: 2.3621 }/' "$S-mk/content/organismes/femmes-passerelles-saint-denis.yaml"
"$CARTO" build --site "$S-mk" --out "$TMP/mk-out" > /dev/null 2>&1 &&
	grep -q 'aria-label="Espace social du Canal, Femmes Passerelles Saint-Denis et Lingua Pro Formation, Saint-Denis : 7 offres"' "$TMP/mk-out/cartographies/linguistique/93/index.html" &&
	grep -q 'aria-label="Espace social du Canal, Femmes Passerelles Saint-Denis et Lingua Pro Formation, Saint-Denis : 7 offres"' "$h/cartographies/linguistique/index.html" &&
	python3 tests/markers.py "$TMP/mk-out" > "$TMP/mk.txt" 2>&1
st=$?; detail=$(head -3 "$TMP/mk.txt"); [ "$st" = 0 ]
site_test map-markers-shared-building "$detail"
rm -rf "$S-mk" "$TMP/mk-out"
# Every colour a marker can take is in its map's legend, named by its types,
# and distinct types have distinct colours (issue 16's review: 10 colours
# for 11 types, a legend of the selected types only); with three more types
# than the palette holds, the neutral colour names the types beyond it.
detail=$(python3 tests/legend.py "$h" referentiels/vocabulaires.yaml 2>&1)
site_test map-legend-every-colour "$detail"
rm -rf "$S-lg"; mkdir -p "$S-lg"; cp -r content referentiels site.yaml "$S-lg"/
sed -i '/^parcours:/i\  type-a: "Type A"\n  type-b: "Type B"\n  type-c: "Type C"' "$S-lg/referentiels/vocabulaires.yaml"
sed -i 's/types: \[asl, numerique\]/types: [type-c, asl]/' "$S-lg/content/organismes/centre-social-quais-d-ivry.yaml"
"$CARTO" build --site "$S-lg" --out "$TMP/lg-out" > /dev/null 2>&1 &&
	grep -q 'fill="#4d4d4d"/></svg> Type C</li>' "$TMP/lg-out/cartographies/linguistique/index.html" &&
	detail=$(python3 tests/legend.py "$TMP/lg-out" "$S-lg/referentiels/vocabulaires.yaml" 2>&1)
site_test map-legend-beyond-palette "$detail"
rm -rf "$S-lg" "$TMP/lg-out"
# A group names every organisation it holds (issue 16; it used to name four,
# then "et N autres organismes"): five more organisations moved to one
# building of Saint-Denis.
rm -rf "$S-mk"; mkdir -p "$S-mk"; cp -r content referentiels site.yaml "$S-mk"/
for f in ateliers-du-plateau-clichy college-murs-a-peches-montreuil langues-et-cultures-pantin lire-et-dire-aubervilliers femmes-passerelles-saint-denis; do
	sed -i '0,/geo: { lat: [0-9.]*, lon: [0-9.]* }/s//geo: { lat: 48.9382, lon: 2.3621 }/' "$S-mk/content/organismes/$f.yaml"
done
"$CARTO" build --site "$S-mk" --out "$TMP/mk-out" > /dev/null 2>&1 &&
	python3 tests/markers.py "$TMP/mk-out" > "$TMP/mk.txt" 2>&1 &&
	[ "$(grep -o 'aria-label="[^"]*Lire et Dire à Aubervilliers[^"]*"' "$TMP/mk-out/cartographies/linguistique/93/index.html" | grep -o ', \| et ' | wc -l)" -ge 5 ]
st=$?; detail=$(head -3 "$TMP/mk.txt"); [ "$st" = 0 ]
site_test map-group-names-every-organisation "$detail"
rm -rf "$S-mk" "$TMP/mk-out"
# Past twelve organisations a group names eleven and counts the others (the
# list names them all): every lieu of the example moved to one building.
rm -rf "$S-mk"; mkdir -p "$S-mk"; cp -r content referentiels site.yaml "$S-mk"/
sed -i 's/geo: { lat: [0-9.]*, lon: [0-9.]* }/geo: { lat: 48.9382, lon: 2.3621 }/' "$S-mk"/content/organismes/*.yaml
"$CARTO" build --site "$S-mk" --out "$TMP/mk-out" > /dev/null 2>&1 &&
	python3 tests/markers.py "$TMP/mk-out" > "$TMP/mk.txt" 2>&1 &&
	group_name=$(grep -o 'aria-label="[^"]* et [0-9]* autres organismes[^"]*"' "$TMP/mk-out/cartographies/linguistique/index.html" | head -1) &&
	[ -n "$group_name" ] && [ "$(echo "$group_name" | sed 's/ et [0-9]* autres organismes.*//' | grep -o ', ' | wc -l)" = 10 ]
st=$?; detail=$(head -3 "$TMP/mk.txt"); [ "$st" = 0 ]
site_test map-group-names-twelve-then-counts "$detail"
rm -rf "$S-mk" "$TMP/mk-out"

# Every lieu has "Voir sur OpenStreetMap / itinéraire" and a geo: link on its
# organisation's page and in its fiche, from its coordinates (issue 16): as
# many as organismes.json and offres.csv have lieux.
detail=$(python3 tests/lieu_links.py "$TMP/ex-out" 2>&1)
site_test lieu-map-links "$detail"

# The département booklets (issue 16 part 4): one number is one address, the
# entries carry their suites ("Et après ?"), a "Près de chez vous" index gives
# the numbers nearest each commune; an organisation added in the 77 renumbers
# no other département's booklet (tests/booklet_check.py, pdftotext).
if command -v pdftotext > /dev/null; then
	rm -rf "$S-bk"; mkdir -p "$S-bk"; cp -r content referentiels site.yaml "$S-bk"/
	sed 's/langues-et-insertion-pays-de-meaux/nouvel-organisme-meaux/; s/nom: "Langues et Insertion du Pays de Meaux"/nom: "Nouvel organisme de Meaux"/' \
		content/organismes/langues-et-insertion-pays-de-meaux.yaml > "$S-bk/content/organismes/nouvel-organisme-meaux.yaml"
	"$CARTO" build --site "$S-bk" --out "$TMP/bk-out" > /dev/null 2>&1 &&
		python3 tests/booklet_check.py "$TMP/ex-out" "$TMP/bk-out" 77 > "$TMP/bk.txt" 2>&1 &&
		grep -q 'Nouvel organisme de Meaux' <(pdftotext "$TMP/bk-out/pdf/cartographies/linguistique-77.pdf" -)
	st=$?; detail=$(head -3 "$TMP/bk.txt"); [ "$st" = 0 ]
	site_test booklet-numbers-suites-near "$detail"
	rm -rf "$S-bk" "$TMP/bk-out"
fi

# Markdown links are published relative (bug-03): a root-relative link to a
# page, an organisation, a référentiel or an asset becomes ../x/index.html,
# so the site works under a sub-path and from file://; check warns at its
# line about a link that leads nowhere.
cp -r "$S" "$S-links"
sed -i 's|^base_url: .*|base_url: "https://www.exemple.fr/cartos/"|' "$S-links/site.yaml"
printf -- '---\ntitre: "Liens internes"\n---\n\nVoir [les organismes](/organismes/), [un organisme](/organismes/asso-test),\n[le référentiel](/referentiels/mini/#c-1), ![le style](/assets/style.css) et [rien](ailleurs/).\n' \
	> "$S-links/content/pages/liens-internes.md"
"$CARTO" build --site "$S-links" --out "$TMP/links-out" > /dev/null 2> "$TMP/links.err" &&
	l="$TMP/links-out/liens-internes/index.html" &&
	grep -q '<a href="../organismes/index.html">les organismes</a>' "$l" &&
	grep -q '<a href="../organismes/asso-test/index.html">un organisme</a>' "$l" &&
	grep -q '<a href="../referentiels/mini/index.html#c-1">' "$l" && grep -q 'src="../assets/style.css"' "$l" &&
	grep -q "liens-internes.md:6:80: warning: link 'ailleurs/' leads to 'liens-internes/ailleurs/'" "$TMP/links.err" &&
	[ "$(grep -c 'warning: link' "$TMP/links.err")" = 1 ]
st=$?; detail=$(grep -o '<p>Voir.*' "$TMP/links-out/liens-internes/index.html"; cat "$TMP/links.err"); [ "$st" = 0 ]
site_test markdown-links-relative "$detail"
rm -rf "$S-links" "$TMP/links-out"

# A slide deck's links are published like a page's: resolved from the deck's
# folder (it is served at its slug's index.html), made relative, and one
# that leads nowhere is a warning at its line (they were published as
# written).
cp -r "$S" "$S-dlinks"
mkdir -p "$S-dlinks/content/pages/ateliers"
printf -- '---\ntitre: "Diapo"\ntype: diaporama\n---\n\n# Un\n\n[Les organismes](/organismes/)\n\n---\n\n# Deux\n\n[Un organisme](../../organismes/asso-test/) et [rien](ailleurs/).\n' \
	> "$S-dlinks/content/pages/ateliers/diapo.md"
"$CARTO" build --site "$S-dlinks" --out "$TMP/dlinks-out" > /dev/null 2> "$TMP/dlinks.err" &&
	l="$TMP/dlinks-out/ateliers/diapo/index.html" &&
	grep -q '<a href="../../organismes/index.html">Les organismes</a>' "$l" &&
	grep -q '<a href="../../organismes/asso-test/index.html">Un organisme</a>' "$l" &&
	grep -q '<a href="ailleurs/">rien</a>' "$l" &&
	grep -q "diapo.md:14:48: warning: link 'ailleurs/' leads to 'ateliers/diapo/ailleurs/', a page or file the build does not make" "$TMP/dlinks.err" &&
	[ "$(grep -c 'warning: link' "$TMP/dlinks.err")" = 1 ]
st=$?; detail=$(grep -o '<a href[^>]*>' "$TMP/dlinks-out/ateliers/diapo/index.html" | head -20; cat "$TMP/dlinks.err"); [ "$st" = 0 ]
site_test deck-links-relative "$detail"
rm -rf "$S-dlinks" "$TMP/dlinks-out"

# A cartography that no offer matches yet publishes its pages, data and
# booklet, saying so (no qsort(NULL, 0) under UBSan: every sort of the
# project takes an empty array).
cp -r "$S" "$S-empty"
sed -i 's/selection: { types: \[fle, alpha\] }/selection: { types: [asl] }/' "$S-empty/content/cartographies/demo.yaml"
"$CARTO" build --site "$S-empty" --out "$TMP/empty-out" > "$TMP/empty.err" 2>&1 &&
	grep -q 'Aucune offre ne correspond pour le moment' "$TMP/empty-out/cartographies/demo/93/index.html" &&
	[ -s "$TMP/empty-out/pdf/cartographies/demo.pdf" ] && [ -s "$TMP/empty-out/xlsx/cartographies/demo.xlsx" ]
st=$?; detail=$(tail -3 "$TMP/empty.err"); [ "$st" = 0 ]
site_test empty-cartography "$detail"
rm -rf "$S-empty" "$TMP/empty-out"

# The legal pages of a French public-sector site, made from site.yaml's
# pages_legales: the déclaration d'accessibilité (state, audit, non-
# conformités, contact, Défenseur des droits), the mentions légales, and a
# plan du site listing every cartography and its département pages, the
# directory, the référentiels, the search and the data; every footer says
# the state of conformity.
a="$h/accessibilite/index.html"
grep -q 'est partiellement conforme avec le référentiel' "$a" && grep -q '15 octobre 2026' "$a" &&
	grep -q 'critère 13.3' "$a" && grep -q 'mailto:accessibilite@cartographies.exemple.fr' "$a" &&
	grep -q 'Défenseur des droits' "$a" &&
	grep -q '<dt>Hébergeur</dt><dd>Hébergeur Exemple SAS' "$h/mentions-legales/index.html" &&
	grep -q '<dt>Directeur ou directrice de la publication</dt><dd>La directrice' "$h/mentions-legales/index.html" &&
	[ "$(grep -rL 'Accessibilité : partiellement conforme</a>' "$h" --include=index.html | grep -v '/diaporamas/\|presenter-la-cartographie' | wc -l)" = 0 ]
site_test legal-pages-example
m="$h/plan-du-site/index.html"
missing=""
for f in $(cd "$h" && find cartographies/*/ -maxdepth 2 -name index.html | sort) organismes/index.html \
	annuaire/93/index.html referentiels/index.html referentiels/clea/index.html recherche/index.html \
	data/index.html methodologie/index.html mentions-legales/index.html accessibilite/index.html; do
	grep -q "href=\"../$f\"" "$m" || missing="$missing $f"
done
[ -z "$missing" ]
site_test legal-site-map "missing:$missing"

# A site without pages_legales still has the three pages (saying what is
# missing, declared non conforme), with a warning on site.yaml named with
# the site's folder, as its other diagnostics are; a page of the same slug
# replaces the generated one.
cp -r "$S" "$S-legal"
sed -i '/^pages_legales:/,$d' "$S-legal/site.yaml"
printf -- '---\ntitre: "Nos mentions"\n---\nTexte écrit par le site.\n' > "$S-legal/content/pages/mentions-legales.md"
"$CARTO" build --site "$S-legal" --out "$TMP/legal-out" > /dev/null 2> "$TMP/legal.err" &&
	grep -qF "$S-legal/site.yaml:1:1: warning: no pages_legales block" "$TMP/legal.err" &&
	grep -q 'est non conforme avec' "$TMP/legal-out/accessibilite/index.html" &&
	grep -q 'Accessibilité : non conforme</a>' "$TMP/legal-out/index.html" &&
	grep -q 'Texte écrit par le site' "$TMP/legal-out/mentions-legales/index.html" &&
	! grep -q 'Éditeur du site' "$TMP/legal-out/mentions-legales/index.html" &&
	[ -f "$TMP/legal-out/plan-du-site/index.html" ] && python3 tests/links.py "$TMP/legal-out" > /dev/null
site_test legal-pages-default-and-override
rm -rf "$S-legal"


# Style sheets and scripts: every page links them by a name holding a hash of
# their content (the same bytes as the theme's file), so a host may cache them
# for long; a site's own copy with other content gets another name.
bad=""
for f in $(find "$h" -name '*.html'); do
	for ref in $(grep -o '<link rel="stylesheet" href="[^"]*"\|<script src="[^"]*assets/[^"]*"' "$f" | sed 's/.*="\(.*\)"/\1/'); do
		case "$ref" in
		http*) local_ref=$(echo "$ref" | sed 's|^https\?://[^/]*/|'"$h"'/|') ;;
		*) local_ref="$(dirname "$f")/$ref" ;;
		esac
		plain=$(echo "$local_ref" | sed 's/\.[0-9a-f]\{12\}\(\.[a-z]*\)$/\1/')
		[ "$plain" != "$local_ref" ] && cmp -s "$plain" "$local_ref" || bad="$bad $f:$ref"
	done
done
grep -q '<link rel="stylesheet" href="\.\./assets/style\.[0-9a-f]\{12\}\.css"' "$h/recherche/index.html" &&
	grep -q '<script src="\.\./assets/search\.[0-9a-f]\{12\}\.js"' "$h/recherche/index.html" && [ -z "$bad" ]
st=$?; detail="$(echo "$bad" | cut -c1-300)"; [ "$st" = 0 ]
site_test assets-content-hash "$detail"
cp -r "$S" "$S-css"
mkdir -p "$S-css/themes/default/assets"
{ cat themes/default/assets/style.css; echo "body { color: #111; }"; } > "$S-css/themes/default/assets/style.css"
"$CARTO" build --site "$S" --out "$TMP/css1" > /dev/null 2>&1 &&
	"$CARTO" build --site "$S-css" --out "$TMP/css2" > /dev/null 2>&1 &&
	a=$(grep -o 'assets/style\.[0-9a-f]*\.css' "$TMP/css1/index.html") &&
	b=$(grep -o 'assets/style\.[0-9a-f]*\.css' "$TMP/css2/index.html") &&
	[ "$a" != "$b" ] && cmp -s "$TMP/css2/$b" "$S-css/themes/default/assets/style.css" &&
	[ "$(ls "$TMP/css1/assets" | grep -c '\.js$')" = "$((2 * $(ls themes/default/assets | grep -c '\.js$')))" ]
site_test assets-hash-follows-content "$a $b"
rm -rf "$S-css" "$TMP/css1" "$TMP/css2"
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
st=$?; detail="exit $rc: $(head -2 "$TMP/theme.err")"; [ "$st" = 0 ]
site_test template-error-position "$detail"
printf '{{>nulle-part}}\n' > "$S-theme/themes/default/templates/organisme.mustache"
"$CARTO" build --site "$S-theme" --out "$TMP/theme-out" > /dev/null 2> "$TMP/theme.err"
rc=$?
[ $rc = 1 ] && grep -q 'organisme.mustache:1:1: error: unknown partial' "$TMP/theme.err" &&
	[ "$snap" = "$(tree_sum "$TMP/theme-out")" ]
st=$?; detail="exit $rc: $(head -2 "$TMP/theme.err")"; [ "$st" = 0 ]
site_test template-unknown-partial "$detail"
# sec-09: partials that include the next one twice, 30 deep (2^30
# expansions), stop the build at once with the chain of partials, and the
# previous output stays as it was.
printf '<main>{{>footer}}</main>\n' > "$S-theme/themes/default/templates/organisme.mustache"
printf '{{>p0}}' > "$S-theme/themes/default/partials/footer.mustache"
for i in $(seq 0 28); do
	printf '{{>p%d}}{{>p%d}}' $((i + 1)) $((i + 1)) > "$S-theme/themes/default/partials/p$i.mustache"
done
printf 'x' > "$S-theme/themes/default/partials/p29.mustache"
timeout 60 "$CARTO" build --site "$S-theme" --out "$TMP/theme-out" > /dev/null 2> "$TMP/theme.err"
rc=$?
[ $rc = 1 ] && grep -q 'partials/p[0-9]*.mustache:1:[0-9]*: error: partials expanded more than 1000000 times for one page (partials that include each other several times?): .*footer > p0 > p1 > ' "$TMP/theme.err" &&
	[ "$snap" = "$(tree_sum "$TMP/theme-out")" ]
st=$?; detail="exit $rc: $(head -2 "$TMP/theme.err")"; [ "$st" = 0 ]
site_test theme-partial-fanout "$detail"
# A page past 64 MiB (2^16 expansions of a 2 KB partial: 128 MB unbounded,
# under the bound of expansions) stops the build at the partial that passed
# it, without writing it (well under the seconds that takes); the previous
# output stays as it was, and the failed build holds no disk beside it: its
# spare tree, the pages it wrote, is removed.
rm -f "$S-theme/themes/default/templates/organisme.mustache" "$S-theme/themes/default/partials/footer.mustache" \
	"$S-theme"/themes/default/partials/p*.mustache
"$CARTO" build --site "$S-theme" --out "$TMP/theme-out" > /dev/null 2>&1 &&
	"$CARTO" build --site "$S-theme" --out "$TMP/theme-out" > /dev/null 2>&1 && [ -d "$TMP/.theme-out.spare" ]
site_test theme-builds-again
snap=$(tree_sum "$TMP/theme-out")
printf '<main>{{>q0}}</main>\n' > "$S-theme/themes/default/templates/home.mustache"
for i in $(seq 0 15); do
	printf '{{>q%d}}{{>q%d}}' $((i + 1)) $((i + 1)) > "$S-theme/themes/default/partials/q$i.mustache"
done
head -c 2048 /dev/zero | tr '\0' x > "$S-theme/themes/default/partials/q16.mustache"
t0=$(date +%s%N)
timeout 60 "$CARTO" build --site "$S-theme" --out "$TMP/theme-out" > /dev/null 2> "$TMP/theme.err"
rc=$?
ms=$((($(date +%s%N) - t0) / 1000000))
[ $rc = 1 ] && grep -q 'partials/q16.mustache:1:1: error: the page passes 64 MiB (partials or sections that repeat each other?): q0 > q1 > .* > q15 > q16$' "$TMP/theme.err" &&
	[ "$snap" = "$(tree_sum "$TMP/theme-out")" ] && [ ! -e "$TMP/.theme-out.spare" ] &&
	[ -z "$(find "$TMP" -maxdepth 1 -name '.theme-out.tmp.*')" ] && [ "$ms" -lt 10000 ]
st=$?; detail="exit $rc in $ms ms: $(head -2 "$TMP/theme.err"); $(ls -a "$TMP" | grep theme-out)"; [ "$st" = 0 ]
site_test theme-page-output-bound "$detail"
rm "$S-theme/themes/default/templates/home.mustache"
"$CARTO" build --site "$S-theme" --out "$TMP/theme-out" > "$TMP/theme.out" 2>&1 && [ -d "$TMP/.theme-out.spare" ]
st=$?; detail="$(head -3 "$TMP/theme.out"; ls -a "$TMP" | grep theme-out)"; [ "$st" = 0 ]
site_test theme-builds-after-failure "$detail"
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

# "Près de…" without JavaScript: every commune of a cartography has its page,
# linked from the list, showing after its own offers the 30 nearest of the
# other communes within 10 km of its centre, nearest first, with their
# distance (haversine, R = 6371 km, recomputed here from the CSV extract and
# the territory's communes; ties in the one order).
if command -v python3 > /dev/null; then
	detail=$(python3 - "$h" <<'PY'
import csv, html, math, os, re, sys
out = sys.argv[1]
geo = {r["code_insee"]: r for r in csv.DictReader(open("referentiels/geo/communes.csv", encoding="utf-8"))}
def km(a, b, c, d):
    r = math.pi / 180
    h = math.sin((c - a) * r / 2) ** 2 + math.cos(a * r) * math.cos(c * r) * math.sin((d - b) * r / 2) ** 2
    return 2 * 6371 * math.asin(math.sqrt(min(1, h)))
bad = []
for cid in sorted(os.listdir(out + "/cartographies")):
    if not os.path.isdir(out + "/cartographies/" + cid):
        continue
    rows = list(csv.DictReader(open(f"{out}/data/cartographies/{cid}.csv", encoding="utf-8-sig"), delimiter=";"))
    codes = sorted({r["code_insee"] for r in rows})
    have = sorted(os.listdir(f"{out}/cartographies/{cid}/communes"))
    if have != codes:
        bad.append(f"{cid}: commune pages {have} != {codes}")
    for code in codes:
        if code not in geo:
            continue
        c = geo[code]
        near = sorted(((km(float(c["latitude"]), float(c["longitude"]), float(r["latitude"]), float(r["longitude"])), i, r)
                       for i, r in enumerate(rows) if r["code_insee"] != code), key=lambda t: (t[0], t[1]))
        want = [("%.1f km" % d).replace(".", ",") + " " + r["organisme_id"] + "#offre-" + r["offre_id"]
                for d, i, r in near if d <= 10][:30]
        page = open(f"{out}/cartographies/{cid}/communes/{code}/index.html", encoding="utf-8").read()
        got = [d + " " + u for d, u in re.findall(
            r'<li><span class="distance">([^<]*)</span> – <a href="\.\./\.\./\.\./\.\./organismes/([^"]*)">', page)]
        got = [g.replace("/index.html", "") for g in got]
        if got != want:
            bad.append(f"{cid}/{code}: {got[:3]} != {want[:3]}")
print("\n".join(bad[:5]))
sys.exit(1 if bad else 0)
PY
)
	site_test near-commune-pages "$detail"
	grep -q 'href="../../../cartographies/linguistique/communes/93066/index.html">Saint-Denis</a></h4>' \
		"$h/cartographies/linguistique/93/index.html"
	site_test near-commune-linked
fi

# Suites de parcours: the example site's, and a synthetic site's, recomputed
# by brute force from offres.csv (tests/suites_check.py) against the rule.
if command -v python3 > /dev/null; then
	detail=$(python3 tests/suites_check.py "$TMP/ex-out/data" referentiels/vocabulaires.yaml 2>&1)
	site_test suites-example "$detail"
	# The chain Carte de compétences -> CléA is visible on the example: the
	# EDI offer on the cercles (named as such beside its levels) is followed
	# by CléA preparations, with the table's reason, on its page, in its
	# fiche and in suites.csv.
	grep -q 'Prépare CléA : les sous-domaines 1.1, 1.3, 1.4, 4.1, 5.1 et 6.2 correspondent aux axes A1, A3, A10 et A11 travaillés ici jusqu&#39;à C3' \
		"$TMP/ex-out/organismes/horizons-jeunes-competences-aulnay/index.html" &&
		grep -q 'niveau visé : C3 (Carte de compétences – Cercles de progression)' \
			"$TMP/ex-out/organismes/horizons-jeunes-competences-aulnay/index.html" &&
		grep -q '^horizons-jeunes-competences-aulnay;espace-dynamique-insertion;.*;socle-et-avenir-formation;.*;cbp-competences-de-base;.*"Prépare CléA' \
			"$TMP/ex-out/data/suites.csv" &&
		{ ! command -v pdftotext > /dev/null ||
			pdftotext "$TMP/ex-out/pdf/organismes/horizons-jeunes-competences-aulnay.pdf" - | grep -q 'Prépare CléA'; }
	site_test suites-example-chain
	if [ "$LABEL" = plain ] && [ -x build/gensite ]; then
		G="$TMP/suites-gen"
		rm -rf "$G" && mkdir -p "$G/content"
		cp -r site.yaml referentiels "$G/" && cp -r content/cartographies "$G/content/"
		synthetic_menu "$G/site.yaml"
		# --cercles 1: its compétences-clés offers on the Carte de compétences'
		# cercles, so that suites through the Carte de compétences -> CléA
		# table are recomputed too.
		detail=$(build/gensite --orgs 150 --pages 1 --seed 16 --geo referentiels/geo/communes.csv --out "$G" --cercles 1 > /dev/null &&
			"$CARTO" build --site "$G" --out "$G/out" > /dev/null 2>&1 &&
			python3 tests/suites_check.py "$G/out/data" referentiels/vocabulaires.yaml 2>&1)
		site_test suites-synthetic "$detail"
	fi
fi

# The parcours page of each cartography has a step for each level of a scale
# that one of its recruiting rows (rule 3 of the suites) takes at entry, in
# the scale's order, with that many
# rows, and nothing for the levels no row takes (from its CSV extract). A row
# takes a level of its entry range below its target; with a minimum alone,
# only that minimum (an alphabétisation course from A1.1 is no C1 step).
# Each ladder then ends with CléA: the offers × lieux of offres.csv of type
# clea, of any cartography. The rows its script loads (parcours/donnees/<dep>.js)
# are the same, step by step, each with its publics (none when open to all),
# and the page counts them right.
if command -v python3 > /dev/null; then
	detail=$(python3 - "$TMP/ex-out" referentiels/vocabulaires.yaml <<'PY' 2>&1
import csv, glob, json, os, re, sys, yaml
out = sys.argv[1]
scales = yaml.safe_load(open(sys.argv[2], encoding="utf-8"))["echelles"]
bad = []


def takes(r, sid, rank, at):
    """The row's offer takes level rank `at` at entry: within its entry range,
    below its target; with a minimum alone (no maximum, no target), only it."""
    lo, hi, vise = r["niveau_entree_min"], r["niveau_entree_max"], r["niveau_vise"]
    if r["echelle"] != sid or not (lo or hi):
        return False
    if lo and not hi and vise not in rank:
        return at == rank[lo]
    return rank.get(lo, 0) <= at <= rank.get(hi, 99) and at < rank.get(vise, 99)


def publics(r):
    p = [x for x in r["publics"].split(" | ") if x]
    return [] if not p or "tous-publics" in p else sorted(p)


def recruits(r):
    """Rule 3 of the suites: an open session, or permanent entries and none
    closed or suspended."""
    return r["etat_recrutement"] == "ouvert" or (r["etat_recrutement"] == "" and r["entrees_sorties"] == "permanentes")


every = list(csv.DictReader(open(f"{out}/data/offres.csv", encoding="utf-8-sig"), delimiter=";"))
clea = [r for r in every if "clea" in r["types"].split(" | ") and recruits(r)]
cleas = 0
for page in glob.glob(out + "/cartographies/*/parcours/index.html"):
    cid = page.split("/")[-3]
    rows = list(csv.DictReader(open(f"{out}/data/cartographies/{cid}.csv", encoding="utf-8-sig"), delimiter=";"))
    want, members = [], {}
    for sid, sc in scales.items():
        lv = sc["niveaux"]
        rank = {l["code"]: l["rang"] for l in lv}
        on = False
        for k, l in enumerate(lv):
            m = [r for r in rows if takes(r, sid, rank, l["rang"]) and recruits(r)]
            if m:
                want.append((f"etape-{sid}-{k + 1}", len(m)))
                members[want[-1][0]] = m
                on = True
        if on and clea:
            want.append((f"etape-{sid}-clea", len(clea)))
            members[want[-1][0]] = clea
            cleas += 1
    html = open(page, encoding="utf-8").read()
    got = [(m[0], int(m[1])) for m in re.findall(
        r'<li class="etape" id="([^"]+)">\s*<h3>[^<]*</h3>\s*<table>\s*<caption>(\d+) ', html)]
    if got != want or not want:
        bad.append(f"{cid}: {got} != {want}")
    info = json.loads(re.search(r'<script type="application/json" id="parcours-morceaux">(.*?)</script>', html, re.S)[1])
    if list(info["n"]) != [w[0] for w in want]:
        bad.append(f"{cid}: the page's counts have steps {list(info['n'])}")
    names = {r["commune"]: r["code_insee"] for r in every}
    seen = {}
    for p in info["deps"]:
        js = open(f"{out}/cartographies/{cid}/parcours/{info['dir']}{p[0]}.js", encoding="utf-8").read()
        piece = json.loads(js[js.index("{"):js.rindex("}") + 1])
        for sid, ids in piece["e"].items():
            for x in (piece["r"][i] for i in ids):
                if x[4] != p[0]:
                    bad.append(f"{cid} {sid}: a row of {x[4]} in piece {p[0]}")
                seen.setdefault(sid, []).append((x[1], names.get(x[3], x[3]), sorted(info["publics"][k] for k in x[7])))
        for sid, c in info["n"].items():
            if c.get(p[0], [0])[0] != len(piece["e"].get(sid, [])):
                bad.append(f"{cid} {sid}: {p[0]} counts {c.get(p[0])} for {len(piece['e'].get(sid, []))} rows")
    for sid, m in members.items():
        exp = sorted((r["offre_id"], r["code_insee"], publics(r)) for r in m)
        if sorted(seen.get(sid, [])) != exp:
            bad.append(f"{cid} {sid}: pieces' rows {sorted(seen.get(sid, []))[:3]} != {exp[:3]}")
if not cleas:
    bad.append("no ladder ends with CléA")
    link = f'href="../../cartographies/{cid}/parcours/index.html"'
    if link not in open(f"{out}/cartographies/{cid}/index.html", encoding="utf-8").read():
        bad.append(f"{cid}: no link to its parcours page")
print("\n".join(bad))
sys.exit(1 if bad else 0)
PY
)
	site_test parcours-steps "$detail"
	# Only offers that recruit are listed, with or without JavaScript, and
	# the page says how many it left out (issue 16's review).
	detail=$(python3 tests/parcours_open.py "$TMP/ex-out" 2>&1)
	site_test parcours-lists-recruiting "$detail"
fi

# A cartography too large to list on one page: the region page lists communes
# with their counts and links to the département pages, and its facets load
# the rows from one data piece a département (donnees/<dep>.js: as many rows
# as the view's GeoJSON extract has in that département, and what the list
# shows of them in runs of 500, donnees/<dep>-<k>.js); the page loads no
# piece itself, and says the count of every facet value.
if [ "$LABEL" = plain ] && [ -x build/gensite ] && command -v python3 > /dev/null; then
	L="$TMP/large"
	rm -rf "$L" && mkdir -p "$L/content"
	cp -r site.yaml referentiels "$L/" && cp -r content/cartographies "$L/content/"
	synthetic_menu "$L/site.yaml"
	build/gensite --orgs 900 --pages 10 --seed 7 --geo referentiels/geo/communes.csv --out "$L" &&
		"$CARTO" build --site "$L" --out "$L/out" > /dev/null 2>&1 &&
		python3 - "$L/out" <<'PY'
import json, os, re, sys
out = sys.argv[1]
page = open(out + "/cartographies/linguistique/index.html", encoding="utf-8").read()
feats = json.load(open(out + "/data/cartographies/linguistique.geojson"))["features"]
base = out + "/cartographies/linguistique/"
total = 0
def piece(f):
    js = open(base + "donnees/" + f, encoding="utf-8").read()
    return json.loads(js[js.index("{"):js.rindex("}") + 1])
for f in sorted(os.listdir(base + "donnees")):
    if "-" in f:
        continue
    p = piece(f)
    n = sum(1 for x in feats if x["properties"]["departement"] == f[:-3])
    runs = [piece(f"{f[:-3]}-{k}.js") for k in range((n + 499) // 500)]
    assert len(p["lieu"]) == n == len(p["f"]["types"]) == sum(len(r["offre"]) for r in runs), (f, n)
    assert not os.path.exists(base + f"donnees/{f[:-3]}-{len(runs)}.js"), f
    total += n
assert len(feats) > 1500 and total == len(feats), (total, len(feats))
assert 'class="card"' not in page and 'id="carto-morceaux"' in page and "carto-sommaire" in page
assert "donnees/" not in "".join(re.findall(r'<script src="[^"]*"', page))
asl = sum(1 for x in feats if "asl" in x["properties"]["types"].split(" | "))
assert re.search(r'id="f-types-asl"[^>]*> <label[^>]*>[^<]*<span class="count">\(%d\)</span>' % asl, page), asl
assert len(page.encode()) < 2 * 1024 * 1024
dep = open(out + "/cartographies/linguistique/93/index.html", encoding="utf-8").read()
assert dep.count('class="card"') == sum(1 for f in feats if f["properties"]["departement"] == "93")
# Every commune the summary links to has its page, listing that commune's offers.
for href in set(re.findall(r'href="\.\./\.\./cartographies/linguistique/(communes/[0-9]+/index.html)"', page)):
    insee = href.split("/")[1]
    cp = open(base + href, encoding="utf-8").read()
    n = sum(1 for f in feats if f["properties"]["code_insee"] == insee)
    assert cp.count('class="card"') == min(n, 1500), (href, n)
assert re.search(r'cartographies/linguistique/communes/[0-9]+/index.html"', page)
PY
	site_test cartography-large-view
	# No two markers of its maps drawn over each other (tests/markers.py).
	detail=$(python3 tests/markers.py "$L/out" 2>&1)
	site_test map-markers-apart-large "$detail"
	# Past 120 lieux a département's booklet still gives one number an address.
	detail=$(python3 tests/booklet_check.py "$L/out" 2>&1)
	site_test booklet-large-one-number-an-address "$detail"
	# The search index in pieces gives what the whole index gives (tests/search_check.js).
	node tests/search_check.js "$L/out" --equal 100 > "$TMP/search-equal.out" 2>&1
	st=$?; detail="$(grep -A2 '^FAIL' "$TMP/search-equal.out" | head -6)"; [ $st = 0 ]
	site_test search-pieces-equal-whole "$detail"
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
		echo "$txt" | grep -q "Gratuit, y compris la garde d'enfants." && ! echo "$txt" | grep -q 'Gratuit – Gratuit' &&
		echo "$txt" | grep -q 'mis à jour le 12 octobre 2026' &&
		pdfinfo "$f" 2> /dev/null | grep -q 'CreationDate:.*Oct.*12.*2026' &&
		grep -q 'href="../../pdf/organismes/femmes-passerelles-saint-denis.pdf"' "$h/organismes/femmes-passerelles-saint-denis/index.html"
	site_test pdf-fiches "$n_pdf pdf for $n_org organisations"
fi

# The fiche's locator map is simplified for its size: the map of
# Seine-et-Marne (507 communes) keeps every commune's ring but draws at most
# 6,000 segments (12,022 before simplification), and the fiche stays under
# 80 KB (146 KB before); the file passes qpdf --check.
if command -v qpdf > /dev/null; then
	f="$h/pdf/organismes/langues-et-insertion-pays-de-meaux.pdf"
	qpdf --qdf --object-streams=disable "$f" "$TMP/fiche-qdf.pdf" 2> /dev/null
	n_seg=$(grep -a -c ' l$' "$TMP/fiche-qdf.pdf")
	n_ring=$(grep -a -c ' m$' "$TMP/fiche-qdf.pdf")
	size=$(stat -c %s "$f")
	qpdf --check "$f" > /dev/null 2>&1 && [ "$n_seg" -le 6000 ] && [ "$n_ring" -ge 507 ] &&
		[ "$size" -le 81920 ]
	site_test pdf-locator-simplified "$n_seg segments, $n_ring rings, $size bytes"
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

# Page counts per kind of document, and every footer's "page i / n" agrees
# with the document's real page count: fiches of the example site hold on
# one to three pages (three since issue 16: each lieu's map links, and the
# suites that cross scales), the Carte de compétences card on one, each
# booklet has its map page and then its list (the 93's, with the suites of
# its entries and its "Près de chez vous" index, eight).
if command -v pdftotext > /dev/null && command -v pdfinfo > /dev/null; then
	pages() { pdfinfo "$1" 2> /dev/null | awk '/^Pages:/ {print $2}'; }
	bad=""
	for f in "$h"/pdf/organismes/*.pdf "$h"/pdf/referentiels/*.pdf "$h"/pdf/cartographies/*.pdf; do
		n=$(pages "$f")
		[ "$(pdftotext -f "$n" -l "$n" "$f" - 2> /dev/null | grep -c "page $n / $n")" = 1 ] || bad="$bad $f"
		case "$f" in
		*/organismes/*) [ "$n" -ge 1 ] && [ "$n" -le 3 ] || bad="$bad $f:$n" ;;
		*/cartographies/*) [ "$n" -ge 2 ] || bad="$bad $f:$n" ;;
		esac
	done
	[ -z "$bad" ] && [ "$(pages "$h/pdf/referentiels/carte-competences-idf.pdf")" = 1 ] &&
		[ "$(pages "$h/pdf/organismes/femmes-passerelles-saint-denis.pdf")" = 3 ] &&
		[ "$(pages "$h/pdf/cartographies/linguistique-93.pdf")" = 8 ]
	site_test pdf-page-counts "$bad"
fi

# The booklets' numbered markers never cover one another: the centres of the
# numbers drawn on each map page are at least a marker's width apart, and
# every number of the list has its marker.
if command -v pdftotext > /dev/null; then
	for f in "$h/pdf/cartographies/linguistique.pdf" "$h/pdf/cartographies/linguistique-93.pdf"; do
		pdftotext "$f" - 2> /dev/null | grep -o '^[0-9]*\. ' | tr -d '. ' | sort -un | tail -1
	done > "$TMP/last-numbers"
	python3 - "$h" "$TMP" << 'PY'
import math, re, subprocess, sys
h, tmp = sys.argv[1], sys.argv[2]
last = open(tmp + "/last-numbers").read().split()
for f, want in zip(["linguistique", "linguistique-93"], last):
    xml = subprocess.run(["pdftotext", "-bbox", "-f", "1", "-l", "1", f"{h}/pdf/cartographies/{f}.pdf", "-"],
                         capture_output=True, text=True).stdout
    pts = {}
    for m in re.finditer(r'xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(\d+)</word>', xml):
        x0, y0, x1, y1, t = m.groups()
        if 120 < float(y0) < 760 and float(x1) - float(x0) < 12:   # a marker: in the map, not the footer
            pts[int(t)] = ((float(x0) + float(x1)) / 2, (float(y0) + float(y1)) / 2)
    assert sorted(pts) == list(range(1, int(want) + 1)), (f, sorted(pts), want)
    p = list(pts.items())
    for i in range(len(p)):
        for j in range(i):
            d = math.dist(p[i][1], p[j][1])
            assert d >= 13, (f, p[i][0], p[j][0], d)
PY
	site_test pdf-booklet-markers-apart
fi

# The booklets' index of communes: each commune's numbers once and in
# order, a number stands for one address, and a long commune name ("Paris
# 10e Arrondissement") never runs under its numbers.
if command -v pdftotext > /dev/null; then
	python3 - "$h" << 'PY'
import re, subprocess, sys
h = sys.argv[1]
for f in ["linguistique", "linguistique-93"]:
    pdf = f"{h}/pdf/cartographies/{f}.pdf"
    text = subprocess.run(["pdftotext", "-layout", pdf, "-"], capture_output=True, text=True).stdout
    index = text.split("Index des communes", 1)[1]
    for line in index.splitlines():
        nums = [int(x) for x in re.findall(r"(?<![\w.])(\d+)(?=,|$)", line.strip())]
        assert nums == sorted(set(nums)), (f, line)
    # One number, one address: the entries that share a number share their address.
    plain = subprocess.run(["pdftotext", pdf, "-"], capture_output=True, text=True).stdout
    addr = {}
    for m in re.finditer(r"^(\d+)\. .*\n(?:.*\n){1,3}?(.*\d{5} .*)$", plain, re.M):
        a = m.group(2).split(" – ")[0]
        assert addr.setdefault(m.group(1), a) == a, (f, m.group(1), addr[m.group(1)], a)
    # No commune name runs under its numbers.
    xml = subprocess.run(["pdftotext", "-bbox", pdf, "-"], capture_output=True, text=True).stdout
    pages = xml.split("<page ")
    first = next(i for i, pg in enumerate(pages) if ">Index</word>" in pg)
    words = []
    for pg in pages[first:]:
        words += [(float(a), float(b), float(c), t) for a, b, c, t in
                  re.findall(r'xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="[\d.]+">([^<]*)</word>', pg)]
        if len(words) and pg is pages[first]:	# from the heading on: entries may end above it
            words = words[next(i for i, w in enumerate(words) if w[3] == "Index"):]
    for x0, y0, x1, t in words:
        if t == "Arrondissement":
            for u0, v0, u1, s in words:
                assert not (re.fullmatch(r"\d+,?", s) and abs(v0 - y0) < 2 and u0 < x1), (f, t, s)
PY
	site_test pdf-booklet-commune-index
fi

# Views in pages: a map embedded in a page and in a deck has exactly the
# markers of the cartography's page; the table's total for a département is
# the count of the département's page; a count view says the same number.
if [ -f "$h/methodologie/index.html" ]; then
	markers() { grep -o '<circle class="marker"[^>]*>' "$1" | sort | md5sum; }
	want=$(markers "$h/cartographies/linguistique/93/index.html")
	n93=$(grep -c 'class="card"' "$h/cartographies/linguistique/93/index.html")
	[ "$(grep -c '<circle class="marker"' "$h/cartographies/linguistique/93/index.html")" -gt 3 ] &&
		[ "$(markers "$h/methodologie/index.html")" = "$want" ] &&
		[ "$(markers "$h/presenter-la-cartographie/index.html")" = "$want" ] &&
		grep -q "<strong>$n93</strong> offres" "$h/methodologie/index.html" &&
		grep -q "<strong>$(python3 -c "import csv, sys; print(sum(1 for _ in csv.reader(open(sys.argv[1], encoding='utf-8-sig'), delimiter=';')) - 1)" "$h/data/cartographies/linguistique.csv")</strong> offres" "$h/index.html" &&
		grep -q "<tr><th scope=\"row\">Seine-Saint-Denis (93)</th>.*<td>$n93</td></tr>" "$h/methodologie/index.html" &&
		grep -q 'href="../cartographies/linguistique/93/index.html#r0"' "$h/methodologie/index.html" &&
		! grep -q 'language-carto' "$h/methodologie/index.html" &&
		python3 - "$h" << 'PY'
import re, sys
page = open(sys.argv[1] + "/methodologie/index.html").read()
# The list of ASL offers in the 93 has as many items as the table's ASL cell.
table = re.search(r'<section class="carto-vue carto-tableau".*?</section>', page, re.S).group(0)
heads = re.findall(r'<th scope="col">(.*?)</th>', table)
row = re.search(r'<tr><th scope="row">Seine-Saint-Denis \(93\)</th>(.*?)</tr>', table).group(1)
cells = re.findall(r'<td>(\d+)</td>', row)
asl = int(cells[heads.index("Atelier sociolinguistique (ASL)") - 1])
lst = re.search(r'<section class="carto-vue carto-offres">.*?</section>', page, re.S).group(0)
items = re.findall(r'<li><a href="../organismes/[a-z0-9-]+/index.html#offre-[a-z0-9-]+">', lst)
assert asl > 0 and len(items) == min(asl, 5), (asl, len(items))
# The correspondence table has a row per link of the file.
corr = re.search(r'<section class="carto-vue carto-correspondance".*?</section>', page, re.S).group(0)
rows = len(re.findall(r'<tr><th scope="row">', corr))
links = open("referentiels/correspondances/carte-competences-idf__clea.yaml").read().count("- de:")
assert rows == links and rows > 5, (rows, links)
# A filtered list (garde_enfants in the 93) holds exactly the extract's rows
# with childcare.
import csv
web = open(sys.argv[1] + "/webinaires/orienter-vers-la-bonne-formation-linguistique/index.html").read()
lst = re.search(r'<section class="carto-vue carto-offres">.*?</section>', web, re.S).group(0)
got = sorted(re.findall(r'#offre-([a-z0-9-]+)">', lst))
rows = list(csv.DictReader(open(sys.argv[1] + "/data/cartographies/linguistique-93.csv", encoding="utf-8-sig"), delimiter=";"))
want = sorted(r["offre_id"] for r in rows if r["garde_enfants"] in ("oui", "true", "1", "Oui"))
assert got == want and 0 < len(got) < len(rows), (got, want, len(rows))
PY
	site_test page-views "$n93 offers in 93"
fi

# Slide decks: N slides (thematic breaks) give N sections in the HTML deck,
# N pages of 16:9 in the PDF deck and ceil(N / 3) A4 pages in the handout;
# speaker notes are in the HTML (hidden) but not in the PDF; the HTML deck
# carries its own CSS and script (it works from a USB stick); both PDFs are
# linked from it.
if command -v pdfinfo > /dev/null; then
	deck="$h/presenter-la-cartographie/index.html"
	pdf="$h/pdf/diaporamas/presenter-la-cartographie.pdf"
	sup="$h/pdf/diaporamas/presenter-la-cartographie-support.pdf"
	n=$(python3 -c "
import sys
body = open('content/pages/presenter-la-cartographie.md').read().split('\n---\n', 1)[1]
print(len([s for s in body.split('\n---\n') if s.strip()]))")
	[ "$n" -ge 5 ] && [ "$(grep -c '<section class="slide"' "$deck")" = "$n" ] &&
		[ "$(pdfinfo "$pdf" | awk '/^Pages:/ {print $2}')" = "$n" ] &&
		pdfinfo "$pdf" | grep -q 'Page size: *960 x 540 pts' &&
		[ "$(pdfinfo "$sup" | awk '/^Pages:/ {print $2}')" = "$(((n + 2) / 3))" ] &&
		pdfinfo "$sup" | grep -q 'Page size: *595' &&
		qpdf --check "$pdf" > /dev/null 2>&1 && qpdf --check "$sup" > /dev/null 2>&1 &&
		grep -q '<aside class="notes"' "$deck" && grep -q 'Faire la démonstration' "$deck" &&
		! pdftotext "$pdf" - | grep -q 'Faire la démonstration' &&
		pdftotext -f 6 -l 6 "$pdf" - | grep -q "L'offre en Seine-Saint-Denis" &&
		pdftotext -f 7 -l 7 "$pdf" - | grep -q 'Seine-Saint-Denis (93)' &&
		pdftotext "$pdf" - | grep -q "Alphabétisation" &&
		grep -q '<style>' "$deck" && grep -q 'addEventListener("keydown"' "$deck" &&
		! grep -q '<link rel="stylesheet"' "$deck" && ! grep -q '<script src' "$deck" &&
		grep -q 'href="../pdf/diaporamas/presenter-la-cartographie.pdf"' "$deck" &&
		grep -q 'href="../pdf/diaporamas/presenter-la-cartographie-support.pdf"' "$deck" &&
		qpdf --qdf --object-streams=disable "$pdf" "$TMP/deck-qdf.pdf" &&
		grep -aq '/URI (https://cartographies.exemple.fr/cartographies/linguistique/)' "$TMP/deck-qdf.pdf" &&
		grep -aq '/URI (mailto:cartographies@exemple.fr)' "$TMP/deck-qdf.pdf"
	st=$?; detail="$n slides, $(grep -ac '/URI' "$TMP/deck-qdf.pdf" 2> /dev/null) links in the PDF"; [ "$st" = 0 ]
	site_test slide-decks "$detail"
fi

# A slide with too much text is set smaller, down to half its size, then
# goes on on the next slide, under its title and "(suite)".
mkdir -p "$S-deck/content/pages"
cp -r "$S"/. "$S-deck/"
{
	printf -- '---\ntitre: "Trop long"\ntype: diaporama\n---\n\n# Première\n\n---\n\n## Une longue liste\n\n'
	for i in $(seq 1 40); do printf -- '- élément numéro %s, avec un peu de texte pour remplir la ligne\n' "$i"; done
	printf -- '\n---\n\nFin\n'
} > "$S-deck/content/pages/long.md"
"$CARTO" build --site "$S-deck" --out "$TMP/deck-out" > /dev/null 2>&1 &&
	[ "$(pdfinfo "$TMP/deck-out/pdf/diaporamas/long.pdf" 2> /dev/null | awk '/^Pages:/ {print $2}')" = 4 ] &&
	pdftotext -f 2 -l 2 "$TMP/deck-out/pdf/diaporamas/long.pdf" - | grep -q 'élément numéro 1,' &&
	[ "$(pdftotext -f 3 -l 3 "$TMP/deck-out/pdf/diaporamas/long.pdf" - | head -1)" = 'Une longue liste (suite)' ] &&
	pdftotext -f 3 -l 3 -x 0 -y 0 -H 488 -W 960 "$TMP/deck-out/pdf/diaporamas/long.pdf" - | grep -q 'élément numéro 40,' &&
	pdftotext -f 4 -l 4 "$TMP/deck-out/pdf/diaporamas/long.pdf" - | grep -q '^Fin$'
site_test deck-long-slide-goes-on
rm -rf "$S-deck"

# Text longer than libharu's strings (65,535 bytes) reaches the PDFs: a
# word of 70,000 letters in a slide is broken between characters (over
# several slides, at half size), a title is cut; the build never crashes, never blames the fonts, and a PDF that
# cannot be made names its content file.
long=$(head -c 70000 /dev/zero | tr '\0' x)
L="$TMP/long-$LABEL"
rm -rf "$L" && cp -r tests/check/base "$L" &&
	printf -- '---\ntitre: "Mot long"\ntype: diaporama\n---\n\n%s\n' "$long" > "$L/content/pages/mot-long.md" && {
	printf -- '---\ntitre: "Liste longue"\ntype: diaporama\n---\n\n## Une liste\n\n'
	seq 1 3000 | sed 's/.*/- élément numéro &, avec un peu de texte/'
	printf -- '\n---\n\nFin\n'
} > "$L/content/pages/liste-longue.md"
"$CARTO" build --site "$L" --out "$L/out" > "$TMP/long.log" 2>&1 &&
	! grep -q 'libharu\|cannot load the font' "$TMP/long.log" &&
	[ "$(pdftotext "$L/out/pdf/diaporamas/mot-long.pdf" - 2> /dev/null | grep -c '^xxxxxxxxxx*$')" -gt 50 ]
st=$?; detail=$(head -c 300 "$TMP/long.log"); [ "$st" = 0 ]
site_test pdf-deck-long-word "$detail"

# What does not fit a slide at half size goes on on further slides (the
# list's under its title and "(suite)"), never below the slide's bottom
# margin (52 pt, above the footer: its title and number) nor smaller than
# half size (11 pt for text, a word's box at least 10 pt high): all the text
# is there, in order; the handout has three slides a page; the HTML decks
# are untouched (no "(suite)", every item and the whole word).
python3 - "$L/out" << 'PY' > "$TMP/deck-over.log" 2>&1
import html, math, re, subprocess, sys
out = sys.argv[1]
def pages(pdf):
    xml = subprocess.run(["pdftotext", "-bbox", pdf, "-"], capture_output=True, text=True).stdout
    return [[(float(a), float(b), html.unescape(t)) for a, b, t in
             re.findall(r'<word xMin="[^"]*" yMin="([^"]*)" xMax="[^"]*" yMax="([^"]*)">([^<]*)</word>', p)]
            for p in xml.split("<page ")[1:]]
def body(pdf, title):
    ps = pages(pdf)
    foot = set(title.split()) | {"/"}
    for i, p in enumerate(ps):
        for y0, y1, t in p:
            if y1 > 540 - 52:
                assert y0 >= 500 and (t in foot or t.isdigit()), (pdf, i + 1, y0, y1, t[:40])
            else:
                assert y1 - y0 >= 10, (pdf, i + 1, "smaller than half size", y1 - y0, t[:40])
    return [[t for y0, y1, t in p if y1 <= 540 - 52] for p in ps]
def handout(slug, n):
    info = subprocess.run(["pdfinfo", f"{out}/pdf/diaporamas/{slug}-support.pdf"], capture_output=True, text=True).stdout
    got = re.search(r"^Pages: *(\d+)$", info, re.M)
    assert got and int(got.group(1)) == math.ceil(n / 3), (slug, n, info)
b = body(f"{out}/pdf/diaporamas/mot-long.pdf", "Mot long")
assert len(b) > 1 and "".join("".join(p) for p in b) == "x" * 70000, (len(b), sum(len(t) for p in b for t in p))
handout("mot-long", len(b))
b = body(f"{out}/pdf/diaporamas/liste-longue.pdf", "Liste longue")
nums = [int(n) for p in b for n in re.findall(r"numéro (\d+),", " ".join(p))]
assert nums == list(range(1, 3001)), nums[:5]
assert " ".join(b[0][:3]) == "Une liste •", b[0][:4]
assert all(" ".join(p[:3]) == "Une liste (suite)" for p in b[1:-1]), [p[:4] for p in b[1:3]]
assert b[-1] == ["Fin"], b[-1]
handout("liste-longue", len(b))
h = open(f"{out}/liste-longue/index.html").read()
assert "(suite)" not in h and h.count("élément numéro") == 3000
assert "x" * 70000 in open(f"{out}/mot-long/index.html").read()
print(len(b), "slides")
PY
st=$?; detail=$(tail -c 300 "$TMP/deck-over.log"); [ "$st" = 0 ]
site_test pdf-deck-overflow-goes-on "$detail"

# Slides continued count towards a deck's 20,000: one slide of 520,000
# items (25 a slide at half size) is an error at its file, not a PDF of
# 20,800 pages (the count stops at the limit).
rm -rf "$L" && cp -r tests/check/base "$L" && {
	printf -- '---\ntitre: "Immense"\ntype: diaporama\n---\n\n'
	yes -- '- a' | head -520000
} > "$L/content/pages/immense.md"
"$CARTO" build --site "$L" --out "$L/out" > /dev/null 2> "$TMP/long.log"
rc=$?
[ $rc = 1 ] && grep -q 'pages/immense.md: error: the slide deck takes more than 20000 slides' "$TMP/long.log" &&
	[ ! -e "$L/out/pdf/diaporamas/immense.pdf" ]
st=$?; detail="exit $rc: $(head -c 300 "$TMP/long.log")"; [ "$st" = 0 ]
site_test pdf-deck-continued-slides-limit "$detail"

rm -rf "$L" && cp -r tests/check/base "$L" &&
	sed -i "s/^  nom: \"Association Test\"/  nom: \"$long\"/" "$L/content/organismes/asso-test.yaml"
"$CARTO" check --site "$L" > /dev/null 2>&1
check=$?
"$CARTO" build --site "$L" --out "$L/out" > "$TMP/long.log" 2>&1
rc=$?
# A limit at check names the file; else the fiche is made, its title cut.
if [ "$check" != 0 ]; then
	[ "$rc" = 1 ] && grep -q 'organismes/asso-test.yaml' "$TMP/long.log"
else
	[ "$rc" = 0 ] && ! grep -q 'libharu\|cannot load the font' "$TMP/long.log" &&
		pdfinfo "$L/out/pdf/organismes/asso-test.pdf" 2> /dev/null | grep -q '^Title: *xxxxxxxxxx'
fi
st=$?; detail="check $check, build $rc: $(head -c 300 "$TMP/long.log")"; [ "$st" = 0 ]
site_test pdf-organisation-long-name "$detail"

# The cartography's title: the XLSX may refuse it (not the PDFs' business),
# but no PDF fails and nothing crashes.
rm -rf "$L" && cp -r tests/check/base "$L" &&
	sed -i "s/^  titre: \"Démo\"/  titre: \"$long\"/" "$L/content/cartographies/demo.yaml"
"$CARTO" build --site "$L" --out "$L/out" > "$TMP/long.log" 2>&1
rc=$?
[ "$rc" -lt 128 ] && ! grep -q '^pdf/\|libharu\|cannot load the font' "$TMP/long.log" &&
	{ [ "$rc" != 0 ] || [ -s "$L/out/pdf/cartographies/demo.pdf" ]; }
st=$?; detail="build $rc: $(head -c 300 "$TMP/long.log")"; [ "$st" = 0 ]
site_test pdf-cartography-long-title "$detail"

# A deck of 60,000 slides is more than a PDF of carto's holds (20,000
# pages): an error at the deck's file, not a crash.
rm -rf "$L" && cp -r tests/check/base "$L" &&
	{ printf -- '---\ntitre: "D"\ntype: diaporama\n---\n\n'; yes 'x

---
' | head -n 240000; } > "$L/content/pages/deck.md"
"$CARTO" build --site "$L" --out "$L/out" > "$TMP/long.log" 2>&1
rc=$?
[ "$rc" = 1 ] && grep -q 'pages/deck.md: error: the slide deck has 60000 slides' "$TMP/long.log"
st=$?; detail="build $rc: $(head -c 300 "$TMP/long.log")"; [ "$st" = 0 ]
site_test pdf-deck-too-many-slides "$detail"
rm -rf "$L"

# Webinars: a calendar file per webinar that an independent reader
# (python3-icalendar, Debian's) parses, with the right hour in winter and in
# summer (Europe/Paris); CRLF lines folded at 75 octets; the webinars page
# splits upcoming and past at the build's reference date (SOURCE_DATE_EPOCH).
PYI=$(python_with icalendar)
if [ -z "$PYI" ]; then
	fail "$LABEL site/ics: python3-icalendar is missing (tests/deps.sh installs it)"
else
	"$PYI" - "$h" << 'PY'
import datetime, glob, icalendar, sys
h = sys.argv[1]
files = sorted(glob.glob(h + "/webinaires/*/*.ics"))
assert len(files) == 2, files
want = {  # page -> (start in UTC, end in UTC)
    "orienter-vers-la-bonne-formation-linguistique": ("2026-12-10 09:00", "2026-12-10 10:30"),  # CET, +01:00
    "clea-et-carte-de-competences": ("2026-10-08 12:00", "2026-10-08 13:00"),                 # CEST, +02:00
}
for f in files:
    raw = open(f, "rb").read()
    lines = raw.split(b"\r\n")
    assert lines[-1] == b"" and all(b"\n" not in l and len(l) <= 75 for l in lines), f
    cal = icalendar.Calendar.from_ical(raw)
    ev = [c for c in cal.walk() if c.name == "VEVENT"]
    assert len(ev) == 1, f
    ev = ev[0]
    slug = f.split("/")[-2]
    utc = datetime.timezone.utc
    start, end = ev.decoded("dtstart"), ev.decoded("dtend")
    assert start.tzinfo is not None and str(ev["dtstart"].params["TZID"]) == "Europe/Paris", f
    got = (start.astimezone(utc).strftime("%Y-%m-%d %H:%M"), end.astimezone(utc).strftime("%Y-%m-%d %H:%M"))
    assert got == want[slug], (f, got)
    page = open(f"{h}/webinaires/{slug}/index.html").read()
    assert str(ev["summary"]) in page.replace("&#39;", "'"), f
    assert str(ev["uid"]) == "webinaires-" + slug + "@cartographies.exemple.fr", ev["uid"]
    assert str(ev["url"]).endswith(f"/webinaires/{slug}/"), f
    assert any(c.name == "VTIMEZONE" and str(c["tzid"]) == "Europe/Paris" for c in cal.walk())
    # The VTIMEZONE itself says the EU rule, for agendas without a tz database.
    h1, h2 = datetime.timedelta(hours=1), datetime.timedelta(hours=2)
    for name, frm, to, month in (("DAYLIGHT", h1, h2, 3), ("STANDARD", h2, h1, 10)):
        c = [c for c in cal.walk() if c.name == name]
        assert len(c) == 1, (f, name)
        c = c[0]
        assert c["tzoffsetfrom"].td == frm and c["tzoffsetto"].td == to, (f, name)
        assert c["rrule"]["BYMONTH"] == [month] and c["rrule"]["BYDAY"] == ["-1SU"], (f, name)
PY
	site_test ics-calendars
fi
w="$h/webinaires/index.html"
up=$(sed -n '/<h2>À venir/,/<h2>Passés/p' "$w")
past=$(sed -n '/<h2>Passés/,/<\/main>/p' "$w")
echo "$up" | grep -q 'orienter-vers-la-bonne-formation-linguistique/index.html' &&
	! echo "$up" | grep -q 'clea-et-carte-de-competences/index.html' &&
	echo "$past" | grep -q 'clea-et-carte-de-competences/index.html' &&
	echo "$past" | grep -q 'Revoir l' &&
	grep -q 'S.inscrire au webinaire' "$h/webinaires/orienter-vers-la-bonne-formation-linguistique/index.html" &&
	grep -q '<time datetime="2026-12-10T10:00">jeudi 10 décembre 2026</time>, de 10 h 00 à 11 h 30' \
		"$h/webinaires/orienter-vers-la-bonne-formation-linguistique/index.html" &&
	SOURCE_DATE_EPOCH=1797033600 "$CARTO" build --out "$TMP/later-out" > /dev/null 2>&1 &&	# 2026-12-12
	later=$(sed -n '/<h2>Passés/,/<\/main>/p' "$TMP/later-out/webinaires/index.html") &&
	[ "$(echo "$later" | grep -o 'webinaires/[a-z-]*/index.html' | tr '\n' ' ')" = \
		"webinaires/orienter-vers-la-bonne-formation-linguistique/index.html webinaires/clea-et-carte-de-competences/index.html " ] &&
	grep -q "Aucun webinaire n'est programmé" "$TMP/later-out/webinaires/index.html" &&
	! grep -q 'S.inscrire au webinaire' "$TMP/later-out/webinaires/orienter-vers-la-bonne-formation-linguistique/index.html" &&
	cmp -s "$h/webinaires/clea-et-carte-de-competences/clea-et-carte-de-competences.ics" \
		"$TMP/later-out/webinaires/clea-et-carte-de-competences/clea-et-carte-de-competences.ics"
site_test webinars-upcoming-and-past
rm -rf "$TMP/later-out"

# Edge cases of the calendar: an evening webinar that ends after midnight,
# one on the day summer time starts, one without an hour (the whole day).
if [ -n "$PYI" ]; then
	cp -r "$S" "$S-ics"
	mkdir -p "$S-ics/content/pages/webinaires"
	w() { printf -- '---\ntitre: "%s"\ntype: webinaire\nwebinaire: { date: %s%s, duree_min: %s }\n---\n\nTexte ; avec, des \\ signes.\n' "$2" "$3" "$4" "$5" > "$S-ics/content/pages/webinaires/$1.md"; }
	w soir "Soirée, tard ; très tard" 2026-12-31 ', heure: "23:30"' 90
	w printemps "Changement d'heure" 2026-03-29 ', heure: "03:00"' 60
	w journee "Journée entière" 2026-05-14 '' 60
	"$CARTO" build --site "$S-ics" --out "$TMP/ics-out" > /dev/null 2>&1 &&
		"$PYI" - "$TMP/ics-out" << 'PY'
import datetime, icalendar, sys
h = sys.argv[1]
def ev(slug):
    cal = icalendar.Calendar.from_ical(open(f"{h}/webinaires/{slug}/{slug}.ics", "rb").read())
    return [c for c in cal.walk() if c.name == "VEVENT"][0]
utc = datetime.timezone.utc
e = ev("soir")
assert e.decoded("dtend").astimezone(utc) == datetime.datetime(2027, 1, 1, 0, 0, tzinfo=utc), e.decoded("dtend")
assert str(e["summary"]) == "Soirée, tard ; très tard", e["summary"]
e = ev("printemps")   # 03:00 CEST on 29 March 2026 is 01:00 UTC
assert e.decoded("dtstart").astimezone(utc) == datetime.datetime(2026, 3, 29, 1, 0, tzinfo=utc), e.decoded("dtstart")
e = ev("journee")
assert e.decoded("dtstart") == datetime.date(2026, 5, 14) and e.decoded("dtend") == datetime.date(2026, 5, 15)
PY
	site_test ics-edge-cases
	rm -rf "$S-ics" "$TMP/ics-out"
fi

# carto serve: a preview on 127.0.0.1 that rebuilds on change (tests/serve_check.py).
cp -r "$S" "$S-serve"
# A large page, for a client that does not read it (sec-08).
{ printf -- '---\ntitre: "Gros"\n---\n'; yes 'Lorem ipsum dolor sit amet.' | head -c 5000000; } > "$S-serve/content/pages/gros.md"
python3 tests/serve_check.py "$CARTO" "$S-serve" "$TMP/serve.log" > "$TMP/serve.out" 2>&1
grep -q '^ok \|^FAIL ' "$TMP/serve.out" || { tail -5 "$TMP/serve.out"; fail "$LABEL site/serve: did not run"; }
sed -i "s/^ok /ok $LABEL /; s/^FAIL /FAIL $LABEL /" "$TMP/serve.out"
count_output "$TMP/serve.out"
rm -rf "$S-serve"

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
PYX=$(python_with openpyxl)
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

	# The summary's count of warnings is that of the warning lines printed
	# (the load's and the workbooks' alike): 0 when they are, else what differs.
	summary_counts_printed() {
		local printed said
		printed=$(grep -c ': warning: ' "$1")
		said=$(sed -n 's/^carto: published .* (\([0-9]*\) warnings\{0,1\})$/\1/p' "$2")
		[ "$printed" = "$said" ] || { echo "$printed warning lines, the summary says '$said'"; return 1; }
	}

	# A text past a cell's 32,767 characters is cut there; the warning is the
	# load's, at the field, once: not one more a workbook and cell that cut
	# it. The build succeeds.
	cp -r "$S" "$S-xl"
	"$PYX" -c "
p='$S-xl/content/organismes/asso-test.yaml'; s=open(p).read()
open(p, 'w').write(s.replace('cout: { gratuit: true }', 'cout: { gratuit: true, precisions: \"' + 'mot ' * 9000 + 'fin\" }'))"
	rm -rf "$TMP/xl-out"
	"$CARTO" build --site "$S-xl" --out "$TMP/xl-out" > "$TMP/xl.out" 2> "$TMP/xl.err" &&
		grep -q 'content/organismes/asso-test.yaml:[0-9]*:[0-9]*: warning: text of 36003 characters' "$TMP/xl.err" &&
		[ "$(grep -c warning: "$TMP/xl.err")" = 1 ] && summary_counts_printed "$TMP/xl.err" "$TMP/xl.out" &&
		"$PYX" -c "
import openpyxl, sys
ws = openpyxl.load_workbook('$TMP/xl-out/xlsx/organismes.xlsx')['Offres']
i = [c.value for c in ws[1]].index('Précisions sur le coût')
v = ws.cell(2, i + 1).value
sys.exit(not (len(v) == 32767 and v.startswith('mot mot')))"
	st=$?; detail="$(grep -m3 warning: "$TMP/xl.err" | cut -c1-200; tail -1 "$TMP/xl.out")"; [ "$st" = 0 ]
	site_test xlsx-long-text-cut "$detail"
	rm -rf "$S-xl"

	# A cartography's title and a vocabulary label of 40,000 characters:
	# `carto check` warns at each field, and the build publishes every
	# workbook, the cells that print them (the title with the département's
	# name, in Lisez-moi; the label as a column's header) cut to 32,767
	# characters, the last an ellipsis.
	cp -r "$S" "$S-xt"
	"$PYX" -c "
def sub(p, a, b):
    s = open(p).read(); assert a in s; open(p, 'w').write(s.replace(a, b))
sub('$S-xt/content/cartographies/demo.yaml', 'titre: \"Démo\"', 'titre: \"' + 't' * 40000 + '\"')
sub('$S-xt/referentiels/vocabulaires.yaml', 'alpha: \"Alphabétisation\"', 'alpha: \"' + 'l' * 40000 + '\"')"
	rm -rf "$TMP/xt-out"
	"$CARTO" build --site "$S-xt" --out "$TMP/xt-out" > "$TMP/xt.out" 2> "$TMP/xt.err" &&
		grep -q 'content/cartographies/demo.yaml:3:10: warning: text of 40000 characters' "$TMP/xt.err" &&
		grep -q 'referentiels/vocabulaires.yaml:2:10: warning: text of 40000 characters' "$TMP/xt.err" &&
		"$PYX" -c "
import openpyxl, sys
cut = lambda c: c * 32766 + '\u2026'
bad = []
for f in ('demo', 'demo-75', 'demo-93'):
    wb = openpyxl.load_workbook('$TMP/xt-out/xlsx/cartographies/%s.xlsx' % f)
    if wb['Lisez-moi']['A1'].value != cut('t'):
        bad.append(f + ': Lisez-moi A1')
    if cut('l') not in [c.value for c in wb['Offres'][1]]:
        bad.append(f + ': Offres header')
    bad += ['%s: %s %s' % (f, ws.title, c.coordinate) for ws in wb for row in ws.iter_rows() for c in row
            if isinstance(c.value, str) and len(c.value) > 32767]
print('; '.join(bad)[:300]); sys.exit(bool(bad))" > "$TMP/xt.py" 2>&1
	st=$?; detail="$(cat "$TMP/xt.py" 2> /dev/null; grep -m1 'error' "$TMP/xt.err" | cut -c1-300)"; [ "$st" = 0 ]
	site_test xlsx-long-title-label-cut "$detail"
	# The vocabularies' warning is said once, by the load: the LHÉO
	# export, which reads them again with its mapping table, does not say
	# it a second time (under another name, the site's path left out).
	n=$(grep -c 'vocabulaires.yaml:2:10: warning: text of 40000 characters' "$TMP/xt.err")
	[ "$n" = 1 ]
	site_test vocabulary-warning-said-once "said $n times"
	# Each field is said once, by the load: the cells of the workbooks that
	# cut it (the title in three Lisez-moi sheets, the label in headers and
	# notes of each) say nothing more, and the summary counts what is printed.
	detail=$(summary_counts_printed "$TMP/xt.err" "$TMP/xt.out")
	st=$?; detail="$detail $(grep -c warning: "$TMP/xt.err") warning lines"
	[ "$st" = 0 ] && [ "$(grep -c warning: "$TMP/xt.err")" = 2 ]
	site_test xlsx-cut-said-once "$detail"
	rm -rf "$S-xt"

	# A Markdown field (an objectif: the load does not warn of its length)
	# and a list of labels (each short, 40,002 characters joined) cut in
	# several workbooks: each cut said once, the objectif's at its text,
	# the list's at its offer; the summary counts what is printed.
	cp -r "$S" "$S-xm"
	"$PYX" -c "
def sub(p, a, b):
    s = open(p).read(); assert a in s; open(p, 'w').write(s.replace(a, b))
sub('$S-xm/referentiels/vocabulaires.yaml', 'alpha: \"Alphabétisation\"', 'alpha: \"' + 'a' * 20000 + '\"')
sub('$S-xm/referentiels/vocabulaires.yaml', 'libelle: \"Français langue étrangère\"', 'libelle: \"' + 'f' * 20000 + '\"')
sub('$S-xm/content/organismes/asso-test.yaml', 'types: [fle]', 'types: [fle, alpha]\n      objectif: |\n        ' + 'o' * 40000 + '\n')"
	rm -rf "$TMP/xm-out"
	"$CARTO" build --site "$S-xm" --out "$TMP/xm-out" > "$TMP/xm.out" 2> "$TMP/xm.err" &&
		[ "$(grep -c warning: "$TMP/xm.err")" = 2 ] &&
		grep -q "asso-test.yaml:25:9: warning: Markdown text of 40000 characters: the workbooks (xlsx/) hold it cut" "$TMP/xm.err" &&
		grep -q "asso-test.yaml:21:7: warning: list of 40002 characters in column 'Types'" "$TMP/xm.err" &&
		summary_counts_printed "$TMP/xm.err" "$TMP/xm.out"
	st=$?; detail="$(cut -c1-200 "$TMP/xm.err" | head -8; tail -1 "$TMP/xm.out")"; [ "$st" = 0 ]
	site_test xlsx-markdown-list-cut-said-once "$detail"
	rm -rf "$S-xm"
	unset -f summary_counts_printed

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
	st=$?; detail="$(grep -m1 xlsx "$TMP/xr.err")"; [ "$st" = 0 ]
	site_test xlsx-row-limit "$detail"
fi

# libxlsxwriter keeps each sheet in a temporary file (constant_memory): with
# /tmp unwritable, tmpfile() failed and the build crashed in workbook_close
# (a segfault, exit 139). carto gives it the workbook's own folder of the
# build instead, so /tmp is not needed; and when that folder fails too
# (CARTO_TEST_XLSX_TMPDIR points it at the unwritable /tmp), the build is a
# clear error on the workbook and publishes nothing. /tmp is made read-only
# in a private mount namespace (a read-only mount holds for root too); the
# old /tmp is bound at /mnt first, so that a checkout, a binary or a test
# folder under /tmp stays reachable there (/tmp/x is /mnt/x inside).
XT="$TMP/xlsx-tmp"
rm -rf "$XT" && mkdir -p "$XT" && cp -r "$S" "$XT/site"
under_mnt() { case $1 in /tmp/*) echo "/mnt${1#/tmp}" ;; *) echo "$1" ;; esac; }
XC=$(under_mnt "$(cd "$(dirname "$CARTO")" && pwd -P)/$(basename "$CARTO")")
XM=$(under_mnt "$(cd "$XT" && pwd -P)")
if unshare -m sh -c "mount --bind /tmp /mnt && mount -t tmpfs -o ro none /tmp" 2> /dev/null; then
	unshare -m sh -c "mount --bind /tmp /mnt && mount -t tmpfs -o ro none /tmp && cd /tmp &&
		'$XC' build --site '$XM/site' --out '$XM/ok' > '$XM/ok.out' 2> '$XM/ok.err';
		echo \$? > '$XM/ok.rc';
		TMPDIR=/tmp CARTO_TEST_XLSX_TMPDIR=/tmp '$XC' build --site '$XM/site' --out '$XM/ko' > '$XM/ko.out' 2> '$XM/ko.err';
		echo \$? > '$XM/ko.rc'"
	[ "$(cat "$XT/ok.rc")" = 0 ] && [ -s "$XT/ok/xlsx/organismes.xlsx" ] && [ ! -s "$XT/ok.err" ] &&
		[ "$(cat "$XT/ko.rc")" = 1 ] && [ ! -e "$XT/ko" ] &&
		grep -q '^xlsx/[a-z/-]*\.xlsx: error: cannot be made: libxlsxwriter cannot add the sheet .*: it keeps each sheet in a temporary file in /tmp (Read-only file system)$' "$XT/ko.err" &&
		grep -q '^carto: the site could not be rendered: nothing was published' "$XT/ko.err"
	st=$?; detail="ok: $(cat "$XT/ok.rc" "$XT/ok.err") ko: $(cat "$XT/ko.rc" "$XT/ko.err")"; [ "$st" = 0 ]
	site_test xlsx-tmpfile-unwritable "$detail"
else
	echo "skip $LABEL site/xlsx-tmpfile-unwritable: no private mount namespace here (unshare -m) to make /tmp read-only"
fi
rm -rf "$XT"

# Derived facts (data/derive.c, data/index.c): a price keeps its cents, in
# one French wording, on the organisation's page and in its PDF fiche, and as
# the same exact number in the CSV and the workbook; names are listed in
# French order (Évry before Vitry), in the directory, on the cartography's
# page, in its extract and in its booklet.
D="$S-derive"
rm -rf "$D" "$TMP/derive-out"
cp -r "$S" "$D"
o="$D/content/organismes"
sed -i 's/cout: { gratuit: true }/cout: { gratuit: false, montant_eur: 1234.5 }/' "$o/asso-test.yaml"
# Ids in another order than the names, so that file order is not French order.
for n in "a-vitry:Vitry Lettres:49.9" "d-evry:Évry Lettres:0.5" "b-oeuvre:Œuvre Lettres:12" "c-oeil:Oeil Lettres:12"; do
	id=${n%%:*}; rest=${n#*:}; nom=${rest%%:*}; prix=${rest#*:}
	sed "s/id: asso-test/id: $id/; s/nom: \"Association Test\"/nom: \"$nom\"/; s/siret: \"12345678900012\"/siret: null/;
		s/cout: { gratuit: true }/cout: { gratuit: false, montant_eur: $prix }/" \
		"$S/content/organismes/asso-test.yaml" > "$o/$id.yaml"
done
nb=$(printf '\302\240')
: > "$TMP/derive.why"
"$CARTO" build --site "$D" --out "$TMP/derive-out" > "$TMP/derive.err" 2>&1 &&
	for p in "asso-test:1${nb}234,50${nb}€" "a-vitry:49,90${nb}€" "d-evry:0,50${nb}€" "c-oeil:12${nb}€"; do
		id=${p%%:*}; want=${p#*:}
		# pdftotext writes the PDF's no-break spaces as spaces.
		grep -q "<dd>$want</dd>" "$TMP/derive-out/organismes/$id/index.html" &&
			pdftotext -layout "$TMP/derive-out/pdf/organismes/$id.pdf" - |
			grep -q "Coût  *${want//$nb/ }\$" ||
			echo "price $want of $id" >> "$TMP/derive.why"
	done && [ ! -s "$TMP/derive.why" ] &&
	"$(python_with openpyxl)" - "$TMP/derive-out" > "$TMP/derive.why" 2>&1 <<'PY'
import csv, sys, openpyxl, subprocess
out = sys.argv[1]
want = {"asso-test": 1234.5, "a-vitry": 49.9, "d-evry": 0.5, "b-oeuvre": 12, "c-oeil": 12}
with open(out + "/data/offres.csv", encoding="utf-8-sig") as f:
    got = {r["organisme_id"]: float(r["montant_eur"]) for r in csv.DictReader(f, delimiter=";")}
assert got == want, ("csv", got)
ws = openpyxl.load_workbook(out + "/xlsx/cartographies/demo.xlsx")["Offres"]
head = [c.value for c in ws[1]]
i, k = head.index("Coût (€)"), head.index("Identifiant de l'organisme")
got = {r[k]: r[i] for r in ws.iter_rows(min_row=2, values_only=True)}
assert got == want, ("xlsx", got)
# French order: every list of these organisations.
order = ["Association Test", "Évry Lettres", "Oeil Lettres", "Œuvre Lettres", "Vitry Lettres"]
with open(out + "/data/cartographies/demo.csv", encoding="utf-8-sig") as f:
    got = [r["organisme_nom"] for r in csv.DictReader(f, delimiter=";")]
assert got == order, ("extract", got)
got = [r[head.index("Organisme")] for r in ws.iter_rows(min_row=2, values_only=True)]
assert got == order, ("workbook", got)
for page in ("annuaire/93/index.html", "cartographies/demo/index.html"):
    html = open(out + "/" + page, encoding="utf-8").read()
    pos = [html.find(">" + n + "<") for n in order]
    assert -1 not in pos and pos == sorted(pos), (page, pos)
text = subprocess.run(["pdftotext", out + "/pdf/cartographies/demo.pdf", "-"],
                      capture_output=True, text=True).stdout
pos = [text.find(n) for n in order]
assert -1 not in pos and pos == sorted(pos), ("booklet", pos)
PY
st=$?; detail="$(cat "$TMP/derive.why" "$TMP/derive.err" | head -3)"; [ "$st" = 0 ]
site_test derived-price-and-french-order "$detail"
rm -rf "$D"

# An --out that is a symbolic link (a web server's document root, say) is
# published into where it points, twice (the second build swaps folders
# there too): the link stays a link and its target has the new content;
# a link that leads nowhere is refused with a message and left as it is.
L="$TMP/outlink-$LABEL"
rm -rf "$L" "$TMP"/.outlink-"$LABEL".*
mkdir -p "$L"
cp -r "$S" "$L/site"
"$CARTO" build --site "$L/site" --out "$L/real" > /dev/null 2>&1
ln -s real "$L/link"
sed -i '0,/^\( *\)nom: "\(.*\)"/s//\1nom: "\2 Lien"/' "$(ls "$L"/site/content/organismes/*.yaml | head -1)"
"$CARTO" build --site "$L/site" --out "$L/link" > "$L/log1" 2>&1 &&
	sed -i 's/ Lien"/ Lien bis"/' "$(ls "$L"/site/content/organismes/*.yaml | head -1)" &&
	"$CARTO" build --site "$L/site" --out "$L/link" > "$L/log2" 2>&1 &&
	[ -L "$L/link" ] && [ "$(readlink "$L/link")" = real ] &&
	grep -rq ' Lien bis' "$L/real/organismes" && [ ! -e "$L/.link.cache" ]
st=$?; detail="$(cat "$L/log1" "$L/log2" | tail -4; ls -la "$L" | head -8)"; [ "$st" = 0 ]
site_test out-symlink-published-into-target "$detail"
ln -s nowhere "$L/dangling"
"$CARTO" build --site "$L/site" --out "$L/dangling" > "$L/log3" 2>&1
rc=$?
[ $rc != 0 ] && grep -q 'is a symbolic link that leads nowhere' "$L/log3" && [ -L "$L/dangling" ] &&
	[ ! -e "$L/nowhere" ]
st=$?; detail="rc=$rc $(cat "$L/log3" | head -3)"; [ "$st" = 0 ]
site_test out-dangling-symlink-refused "$detail"
rm -rf "$L"

# A cartography's workbook past 10,000 rows has its sheet Offres in pieces
# (xlsx/xlsx_pieces.c): one organisation of it renamed gives one or two new
# pieces (its group's rows), the others are put back, the new name is in
# the sheet, and the workbook is the bytes of a build without the cache.
if [ "$LABEL" = plain ] && [ -x build/gensite ] && command -v python3 > /dev/null; then
	X="$TMP/xlsx-pieces"
	rm -rf "$X" "$TMP"/.xlsx-pieces* && mkdir -p "$X/site/content"
	cp -r site.yaml referentiels "$X/site/" && cp -r content/cartographies "$X/site/content/"
	synthetic_menu "$X/site/site.yaml"
	P="$X/.out.cache/pieces/xlsx+cartographies+linguistique.xlsx"
	wb=xlsx/cartographies/linguistique.xlsx
	build/gensite --orgs 7000 --pages 1 --seed 9 --geo referentiels/geo/communes.csv --out "$X/site" > /dev/null &&
		"$CARTO" build --site "$X/site" --out "$X/out" > "$X/log" 2>&1 && [ -s "$P" ] &&
		sed '1d;$d' "$P" | cut -d' ' -f1 > "$X/keys.before" &&
		id=$(cut -d';' -f1 "$X/out/data/cartographies/linguistique.csv" | sed -n '200p') &&
		f=$(grep -l "^  \(- \)\{0,1\}id: $id\$" "$X"/site/content/organismes/*.yaml | head -1) &&
		sed -i "/^  \(- \)\{0,1\}id: $id\$/,/^ *nom:/s/^\( *nom: \"\)\(.*\)\"/\1\2 Renommé\"/" "$f" &&
		grep -q ' Renommé"' "$f" &&
		sleep 0.02 && "$CARTO" build --site "$X/site" --out "$X/out" > "$X/log" 2>&1 &&
		sed '1d;$d' "$P" | cut -d' ' -f1 > "$X/keys.after" &&
		"$CARTO" build --no-cache --site "$X/site" --out "$X/clean" > "$X/clean.log" 2>&1 &&
		cmp "$X/out/$wb" "$X/clean/$wb" && cmp "$X/out/xlsx/organismes.xlsx" "$X/clean/xlsx/organismes.xlsx" &&
		new=$(diff "$X/keys.before" "$X/keys.after" | grep -c '^>') &&
		[ "$(wc -l < "$X/keys.before")" -gt 100 ] && [ "$new" -ge 1 ] && [ "$new" -le 2 ] &&
		[ "$(wc -l < "$X/keys.after")" = "$(wc -l < "$X/keys.before")" ] &&
		python3 - "$X/out/$wb" <<'PY'
import sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
assert z.testzip() is None
assert any("Renommé" in z.read(n).decode("utf-8") for n in z.namelist() if n.startswith("xl/worksheets/"))
PY
	st=$?; detail="id=${id:-} new=${new:-} $(tail -2 "$X/log")"; [ "$st" = 0 ]
	site_test xlsx-carto-pieces-one-org "$detail"
	rm -rf "$X" "$TMP"/.xlsx-pieces*
fi
