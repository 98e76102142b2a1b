# Expected-output tests, sourced by run.sh with CARTO (the binary), TMP set and
# ok/fail/python_with defined. The small site tests/render/site/ (with its own
# territory of four communes) is built once; every file of the build except
# the theme's assets becomes one case, turned into text and compared byte for
# byte with tests/render/expected/<path of the file><suffix>:
#   *.pdf   `pdftotext -layout` of the document, suffix .txt
#   *.xlsx  tests/render/xlsx_dump.py of the workbook, suffix .txt
#   others  the file as written (HTML, CSV, JSON, GeoJSON, ICS, XML, JS)
# With CARTO_REGEN set, the expected files are rewritten instead (only the
# cases under CASE when it is set: a file, or a folder such as "pdf"), and
# "regen render/<file>" is printed for each; review them with `git diff`.

render_dir=tests/render/expected
render_out="$TMP/render-out"
render_got="$TMP/render-got"
rm -rf "$render_out" "$render_got"
render_py=$(python_with openpyxl)

# Writes the text of the built file $1 (relative to render_out) under render_got.
render_text() {
	local f=$1 src="$render_out/$1"
	case "$f" in
	*.pdf)	mkdir -p "$(dirname "$render_got/$f.txt")"
		pdftotext -layout "$src" "$render_got/$f.txt" ;;
	*.xlsx)	mkdir -p "$(dirname "$render_got/$f.txt")"
		"$render_py" tests/render/xlsx_dump.py "$src" > "$render_got/$f.txt" ;;
	*)	mkdir -p "$(dirname "$render_got/$f")"
		cp "$src" "$render_got/$f" ;;
	esac
}

# True when the case $1 is selected: by CASE when regenerating, else always.
render_selected() {
	[ -z "${CARTO_REGEN:-}" ] || [ -z "${CASE:-}" ] || [ "$1" = "$CASE" ] || [ "${1#"${CASE%/}"/}" != "$1" ]
}

if ! "$CARTO" build --site tests/render/site --out "$render_out" > "$TMP/render.log" 2>&1; then
	fail "render: the build of tests/render/site failed"
	head -5 "$TMP/render.log"
elif [ -z "$render_py" ]; then
	fail "render: no python3 with openpyxl (apt-get install python3-openpyxl)"
else
	(cd "$render_out" && find . -type f ! -name .carto-output ! -path './assets/*' | sed 's|^\./||' | sort) > "$TMP/render.files"
	while read -r f; do render_text "$f"; done < "$TMP/render.files"
	# Every case, written or expected: a file the build no longer writes fails too.
	{ (cd "$render_got" && find . -type f); [ -d "$render_dir" ] && (cd "$render_dir" && find . -type f); } |
		sed 's|^\./||' | LC_ALL=C sort -u > "$TMP/render.cases"
	render_n=0
	while read -r c; do
		render_selected "$c" || continue
		render_n=$((render_n + 1))
		if [ -n "${CARTO_REGEN:-}" ]; then
			if [ -f "$render_got/$c" ]; then
				mkdir -p "$(dirname "$render_dir/$c")"
				cp "$render_got/$c" "$render_dir/$c"
			else
				rm -f "$render_dir/$c"
			fi
			echo "regen render/$c"
		elif [ ! -f "$render_dir/$c" ]; then
			fail "render/$c: no expected file (make regen CASE=$c)"
		elif [ ! -f "$render_got/$c" ]; then
			fail "render/$c: the build no longer writes it (make regen CASE=$c)"
		elif ! diff -u "$render_dir/$c" "$render_got/$c" > "$TMP/render.diff"; then
			fail "render/$c: differs from $render_dir/$c"
			sed -n '3,22p' "$TMP/render.diff" | cut -c1-240
		else
			ok "render/$c"
		fi
	done < "$TMP/render.cases"
	[ -d "$render_dir" ] && find "$render_dir" -type d -empty -delete
	if [ -n "${CARTO_REGEN:-}" ]; then echo "render: $render_n files rewritten in $render_dir"
	else echo "render: $render_n files compared with $render_dir"; fi
fi
