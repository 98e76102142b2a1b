#!/bin/sh
# make bench: builds seeded synthetic sites of several sizes (BENCH_SIZES,
# default 1000 10000 50000 organisations, each with BENCH_PAGES pages) and
# prints, for each, the input size, libyaml's raw parse of the same files on
# all cores (the baseline), the time and peak memory of `carto check` and of
# `carto build`, and the throughput, then the XLSX stage: workbooks, their
# size, time, data rows written and rows a second, the resident memory before
# the stage (the model) and the peak during it (the peak is reset when the
# stage starts, so it is the stage's own). Sites are kept in build/bench/ and
# regenerated only when the generator or the référentiels change. Then, for
# each size, the weight budget (tests/weight.js, issue 17): every HTML page
# plus the scripts and style sheets it loads before it is usable, gzip
# compressed, at most BENCH_BUDGET_KB (150 KB up to 10,000 organisations,
# 250 KB above), the largest pages named, and the bytes a first search of
# two words transfers in Chromium (tests/search_weight.js, at most 100 KB)
# and what each cartography's first screen and one filter transfer
# (tests/carto_weight.js, within the budget), the time of a "Près de…"
# keystroke and of regrouping the region page's markers on a phone
# (assets/reperes.js, target 100 ms);
# the exit status is 1 when a page or the search is over.
set -eu
cd "$(dirname "$0")/.."
SIZES=${BENCH_SIZES:-1000 10000 50000}
PAGES=${BENCH_PAGES:-1000}
SEED=${BENCH_SEED:-20261128}
export SOURCE_DATE_EPOCH=1795000000 LC_ALL=C.UTF-8
. tests/bench_tools.sh
bench_tools generator/carto build/gensite build/measure build/rawparse -- python3 xmllint node gzip
B=build/bench
mkdir -p "$B"

stamp() {
	cat build/gensite site.yaml referentiels/*.yaml referentiels/correspondances/*.yaml \
		content/cartographies/*.yaml | sha256sum | cut -c1-16
	echo "$1 $PAGES $SEED"
}

make_site() {
	n=$1
	dir="$B/site-$n"
	want=$(stamp "$n")
	if [ -f "$dir/.stamp" ] && [ "$(cat "$dir/.stamp")" = "$want" ]; then
		return
	fi
	rm -rf "$dir"
	mkdir -p "$dir/content"
	cp -r site.yaml referentiels "$dir/"
	# The menu's pages a synthetic site lacks: an entry that leads nowhere is an error.
	sed -i '/url: "\(actualites\|webinaires\|a-propos\)\/"/d' "$dir/site.yaml"
	cp -r content/cartographies "$dir/content/"
	cp content/pages/index.md "$dir/content/" 2> /dev/null || true
	build/gensite --orgs "$n" --pages "$PAGES" --seed "$SEED" \
		--geo referentiels/geo/communes.csv --out "$dir"
	echo "$want" > "$dir/.stamp"
}

# Runs a command under measure; sets WALL and RSS (MB).
run() {
	build/measure -- "$@" > /dev/null 2> "$B/measure.log" || {
		tail -5 "$B/measure.log" >&2
		echo "bench: command failed: $*" >&2
		exit 1
	}
	line=$(tail -1 "$B/measure.log")
	WALL=$(echo "$line" | sed 's/.*wall_s=\([0-9.]*\).*/\1/')
	RSS=$(echo "$line" | sed 's/.*maxrss_kb=\([0-9]*\).*/\1/' | awk '{printf "%.0f", $1/1024}')
}

echo "Machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(free -g | awk '/Mem:/{print $2}') GiB"
echo
echo "| organisations | input MB | libyaml raw s | check s | check/raw | check MB/s | orgs/s (check) | check peak MB | build s | build peak MB | HTML pages | HTML s | pages/s | ms/page | open data s | cartography files | cartography s (CPU) | largest page KB | largest data piece KB gz | PDF files | PDF s | PDF/s | XLSX files | XLSX MB | XLSX s | XLSX rows | rows/s | XLSX RSS before MB | XLSX peak MB |"
echo "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
for n in $SIZES; do
	make_site "$n"
	dir="$B/site-$n"
	bytes=$(find "$dir/content" "$dir/referentiels" "$dir/site.yaml" -type f \( -name '*.yaml' -o -name '*.md' \) -printf '%s\n' | awk '{s+=$1} END {print s}')
	mb=$(awk "BEGIN {printf \"%.1f\", $bytes/1048576}")
	# Warm the page cache so every column measures parsing, not the disk.
	find "$dir" -type f -name '*.yaml' -exec cat {} + > /dev/null
	raw=$(build/rawparse "$dir" | sed 's/.*seconds=\([0-9.]*\).*/\1/')
	run generator/carto check --site "$dir"
	cw=$WALL; cr=$RSS
	rm -rf "$B/out-$n"
	CARTO_TIMING=1 run generator/carto build --site "$dir" --out "$B/out-$n"
	bw=$WALL; br=$RSS
	hs=$(awk '/carto: html/ {print $3 / 1000}' "$B/measure.log")
	os=$(awk '/carto: opendata/ {print $3 / 1000}' "$B/measure.log")
	pages=$(find "$B/out-$n" -name '*.html' | wc -l)
	cf=$(awk '/carto: cartographies/ {print $3}' "$B/measure.log")
	cs=$(awk '/carto: cartographies/ {print $5 / 1000}' "$B/measure.log")
	big=$(find "$B/out-$n" -name '*.html' -printf '%s\n' | sort -n | tail -1)
	ps=$(awk '/carto: pdf/ {print $3 / 1000}' "$B/measure.log")
	pn=$(find "$B/out-$n/pdf" -name '*.pdf' | wc -l)
	xs=$(awk '$1 == "carto:" && $2 == "xlsx" {print $3 / 1000}' "$B/measure.log")
	xr=$(awk '/carto: xlsx-rows/ {print $3}' "$B/measure.log")
	xb=$(awk '/carto: xlsx-rows/ {sub("rss_before_kb=", "", $4); print $4 / 1024}' "$B/measure.log")
	xp=$(awk '/carto: xlsx-rows/ {sub("peak_kb=", "", $5); print $5 / 1024}' "$B/measure.log")
	xn=$(find "$B/out-$n/xlsx" -name '*.xlsx' | wc -l)
	xm=$(find "$B/out-$n/xlsx" -name '*.xlsx' -printf '%s\n' | awk '{s+=$1} END {printf "%.1f", s/1048576}')
	js=0
	for f in $(find "$B/out-$n/cartographies" -path '*/donnees/*.js'); do
		z=$(gzip -c "$f" | wc -c); [ "$z" -gt "$js" ] && js=$z
	done
	awk -v n="$n" -v mb="$mb" -v raw="$raw" -v cw="$cw" -v cr="$cr" -v bw="$bw" -v br="$br" \
	    -v pages="$pages" -v hs="$hs" -v os="$os" -v cf="$cf" -v cs="$cs" -v big="$big" -v js="$js" \
	    -v ps="$ps" -v pn="$pn" -v xs="$xs" -v xr="$xr" -v xb="$xb" -v xp="$xp" -v xn="$xn" -v xm="$xm" 'BEGIN {
		printf "| %d | %s | %.2f | %.2f | %.2f | %.1f | %.0f | %d | %.2f | %d | %d | %.2f | %.0f | %.3f | %.2f | %d | %.2f | %.0f | %.0f | %d | %.1f | %.0f | %d | %s | %.2f | %d | %.0f | %.0f | %.0f |\n",
			n, mb, raw, cw, cw / raw, mb / cw, n / cw, cr, bw, br, pages, hs, pages / hs, hs * 1000 / pages, os,
			cf, cs, big / 1024, js / 1024, pn, ps, pn / ps, xn, xm, xs, xr, xr / xs, xb, xp }'
done

# carto import lheo beside xmllint --stream (BENCH_LHEO_SIZES).
sh tests/bench_lheo.sh
over=0
for n in $SIZES; do
	budget=${BENCH_BUDGET_KB:-$([ "$n" -le 10000 ] && echo 150 || echo 250)}
	echo
	echo "Weight of the pages, $n organisations (gzip, budget $budget KB):"
	echo
	node tests/weight.js "$B/out-$n" "$budget" 8 || over=1
	# The first search of two words, in Chromium over gzip HTTP (≤ 100 KB).
	echo
	node tests/search_weight.js "$B/out-$n" 100 || over=1
	# Each cartography's first screen, then one filter, in Chromium over gzip
	# HTTP, with the data pieces it loads (within the budget).
	node tests/carto_weight.js "$B/out-$n" "$budget" || over=1
done
exit $over
