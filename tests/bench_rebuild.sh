#!/bin/sh
# make bench-rebuild: the cost of a rebuild, against a baseline carto in the
# same run (BENCH_BASE, a binary built from an older commit; without it only
# this carto is measured; BENCH_ORGS=0 and BENCH_PAGE_SIZES= skip those
# runs). Synthetic sites from build/gensite (seeded): one of
# BENCH_ORGS organisations (default 1000) for the cold build (CPU, PDF bytes
# a fiche), and sites of BENCH_PAGE_SIZES Markdown pages (default 1000
# 10000, with 10 organisations) rebuilt over their existing output: wall,
# user and kernel seconds of the third build in a row (the steady state of
# an editor's rebuilds), and the ratios base/new. Then the same pages as a
# Hugo site (tests/hugo_site.sh), rebuilt the same way by Debian's hugo
# (installed when missing and run as root; else the command is printed and
# the comparison skipped): wall, CPU and peak memory of both, and the
# ratios hugo/carto; carto twice: with the build cache (the third build,
# nothing changed, stops at its fingerprint) and with --no-cache (every page
# rendered again, over its existing output). Last, carto serve on a site of BENCH_SERVE_ORGS
# organisations (default 10000; 0 skips it): the time from a save to the new
# page served (tests/bench_serve.py).
# Then the build cache
# (this carto only): a site of BENCH_CACHE_ORGS organisations (default
# 10000) built from nothing, rebuilt with nothing changed (the fingerprint),
# after a file touched (the cache puts back every document), after one
# organisation's name changed (BENCH_RENAMES times, in its own file and in an
# imported file of 50; median, range, full build / median), and loaded and checked only (carto check: the
# floor under any rebuild). BENCH_CACHE_ORGS=0 skips it. Sites are kept in
# build/bench/.
set -eu
cd "$(dirname "$0")/.."
ORGS=${BENCH_ORGS:-1000}
SIZES=${BENCH_PAGE_SIZES-1000 10000}
CACHE_ORGS=${BENCH_CACHE_ORGS:-10000}
SEED=${BENCH_SEED:-20261128}
NEW=${BENCH_NEW:-$PWD/generator/carto}
BASE=${BENCH_BASE:-}
export SOURCE_DATE_EPOCH=1795000000 LC_ALL=C.UTF-8
. tests/bench_tools.sh
bench_tools generator/carto build/gensite --
B=build/bench
mkdir -p "$B"

site() {	# site DIR ORGS PAGES
	[ -f "$1/.stamp" ] && [ "$(cat "$1/.stamp")" = "$2 $3 $SEED" ] && return
	rm -rf "$1"
	mkdir -p "$1/content"
	cp -r site.yaml referentiels "$1/"
	# The menu's pages a synthetic site lacks: an entry that leads nowhere is an error.
	sed -i '/url: "\(actualites\|webinaires\|a-propos\)\/"/d' "$1/site.yaml"
	cp -r content/cartographies "$1/content/"
	build/gensite --orgs "$2" --pages "$3" --seed "$SEED" --geo referentiels/geo/communes.csv \
		--out "$1" > /dev/null
	echo "$2 $3 $SEED" > "$1/.stamp"
}

# measured CMD...: prints "wall user sys peak-KB" of one run of CMD.
measured() {
	/usr/bin/time -f '%e %U %S %M' -o "$B/time.log" "$@" > /dev/null 2>&1 || {
		echo "bench: $* failed" >&2
		exit 1
	}
	cat "$B/time.log"
}

# timed BIN SITE OPTION...: prints "wall user sys peak-KB" of one build.
timed() {
	t_bin=$1
	shift
	measured "$t_bin" build --site "$@"
}

bins="new"
[ -n "$BASE" ] && bins="base new"
bin() { if [ "$1" = base ]; then echo "$BASE"; else echo "$NEW"; fi; }

echo "Machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(free -g | awk '/Mem:/{print $2}') GiB"
echo
echo "| run | carto | wall s | user s | kernel s | CPU s | fiche KB (mean) |"
echo "|---|---|---:|---:|---:|---:|---:|"
dir="$B/rebuild-orgs-$ORGS"
[ "$ORGS" -gt 0 ] && site "$dir" "$ORGS" 1
for v in $bins; do
	[ "$ORGS" -gt 0 ] || break
	out="$B/rebuild-out-$v-orgs"
	rm -rf "$out" "$B/.rebuild-out-$v-orgs".*
	set -- $(timed "$(bin $v)" "$dir" --out "$out")
	kb=$(find "$out/pdf/organismes" -name '*.pdf' -printf '%s\n' | awk '{s += $1; n++} END {printf "%.1f", s / n / 1024}')
	echo "| cold build, $ORGS organisations | $v | $1 | $2 | $3 | $(echo "$2 $3" | awk '{print $1 + $2}') | $kb |"
done
for n in $SIZES; do
	dir="$B/rebuild-pages-$n"
	site "$dir" 10 "$n"
	for v in $bins; do
		out="$B/rebuild-out-$v-$n"
		rm -rf "$out" "$B/.rebuild-out-$v-$n".*
		timed "$(bin $v)" "$dir" --out "$out" > /dev/null
		timed "$(bin $v)" "$dir" --out "$out" > /dev/null
		set -- $(timed "$(bin $v)" "$dir" --out "$out")
		echo "| rebuild over the output, $n pages | $v | $1 | $2 | $3 | $(echo "$2 $3" | awk '{print $1 + $2}') | |"
	done
done

# The same pages with Hugo, rebuilt over its output like carto above.
if ! command -v hugo > /dev/null; then
	if [ "$(id -u)" = 0 ]; then
		apt-get install -y hugo > "$B/hugo-install.log" 2>&1 || { cat "$B/hugo-install.log" >&2; exit 1; }
	else
		echo
		echo "bench: hugo is missing; install it with: sudo apt-get install hugo"
	fi
fi
if command -v hugo > /dev/null; then
	echo
	echo "$(hugo version | cut -d' ' -f1-2) against carto on the same Markdown pages, third build in a row over the existing output:"
	echo
	echo "| pages | tool | wall s | user s | kernel s | CPU s | peak MB |"
	echo "|---:|---|---:|---:|---:|---:|---:|"
	ratios=""
	for n in $SIZES; do
		dir="$B/rebuild-pages-$n"
		[ -d "$B/hugo-pages-$n" ] && [ "$(cat "$B/hugo-pages-$n/.stamp" 2>/dev/null)" = "$(cat "$dir/.stamp")" ] || {
			sh tests/hugo_site.sh "$dir" "$B/hugo-pages-$n"
			cp "$dir/.stamp" "$B/hugo-pages-$n/.stamp"
		}
		out="$B/rebuild-out-new-$n"
		set -- $(timed "$NEW" "$dir" --out "$out")
		cw=$1 cc=$(echo "$2 $3" | awk '{print $1 + $2}')
		echo "| $n | carto | $1 | $2 | $3 | $cc | $(($4 / 1024)) |"
		out="$B/rebuild-out-nocache-$n"
		rm -rf "$out" "$B/.rebuild-out-nocache-$n".*
		timed "$NEW" "$dir" --out "$out" --no-cache > /dev/null
		timed "$NEW" "$dir" --out "$out" --no-cache > /dev/null
		set -- $(timed "$NEW" "$dir" --out "$out" --no-cache)
		nw=$1 nc=$(echo "$2 $3" | awk '{print $1 + $2}')
		echo "| $n | carto --no-cache | $1 | $2 | $3 | $nc | $(($4 / 1024)) |"
		hout="$B/hugo-out-$n"
		rm -rf "$hout"
		measured hugo --source "$B/hugo-pages-$n" --destination "$PWD/$hout" --quiet > /dev/null
		measured hugo --source "$B/hugo-pages-$n" --destination "$PWD/$hout" --quiet > /dev/null
		set -- $(measured hugo --source "$B/hugo-pages-$n" --destination "$PWD/$hout" --quiet)
		hc=$(echo "$2 $3" | awk '{print $1 + $2}')
		echo "| $n | hugo | $1 | $2 | $3 | $hc | $(($4 / 1024)) |"
		ratios="$ratios$(echo "$n $1 $cw $hc $cc $nw $nc" |
			awk '{printf "| %d | %.1f | %.1f | %.1f | %.1f |\\n", $1, $2 / $3, $4 / $5, $2 / $6, $4 / $7}')"
	done
	echo
	echo "| pages | hugo/carto wall | hugo/carto CPU | hugo/carto --no-cache wall | hugo/carto --no-cache CPU |"
	echo "|---:|---:|---:|---:|---:|"
	printf "$ratios"
fi

# carto serve: from a save to the new version served (BENCH_SERVE_ORGS=0
# skips it).
SERVE_ORGS=${BENCH_SERVE_ORGS:-10000}
if [ "$SERVE_ORGS" -gt 0 ]; then
dir="$B/serve-orgs-$SERVE_ORGS"
site "$dir" "$SERVE_ORGS" 1
echo
echo "carto serve, $SERVE_ORGS organisations: an organisation's name saved, seconds until its new page is served"
echo
echo "| save | s | build CPU s |"
echo "|---|---:|---:|"
python3 tests/bench_serve.py "$NEW" "$dir"
fi

# The build cache (BENCH_CACHE_ORGS=0 skips it). Each rebuild after a change
# is measured BENCH_RENAMES times (default 8: the organisation's name changed,
# then put back, and so on; the first right after the full build) and the
# table gives the median and the range, with the ratio of the full build's
# wall time to the median, the issue's "50x" measured in the same run. Two
# kinds of files: an organisation in a file of its own (org-*.yaml), and one
# of the 50 organisations of a file written by the LHÉO import (import-*.yaml).
if [ "$CACHE_ORGS" -gt 0 ]; then
dir="$B/cache-orgs-$CACHE_ORGS"
site "$dir" "$CACHE_ORGS" 1
RENAMES=${BENCH_RENAMES:-8}
out="$B/cache-out"
rm -rf "$out" "$B/.cache-out".*
echo
echo "| build cache, $CACHE_ORGS organisations | wall s | user s | kernel s | CPU s | documents reused | full build / this (wall) |"
echo "|---|---:|---:|---:|---:|---:|---:|"
# cached: one build over $out with the cache; sets wall, cpu and reused.
cached() {
	/usr/bin/time -f '%e %U %S' -o "$B/time.log" "$NEW" build --site "$dir" --out "$out" > "$B/cache.log" 2>&1 || {
		echo "bench: $NEW build --site $dir failed" >&2
		exit 1
	}
	set -- $(cat "$B/time.log")
	wall=$1 user=$2 sys=$3 cpu=$(echo "$2 $3" | awk '{print $1 + $2}')
	reused=$(sed -n 's/^carto: \([0-9]*\) documents* reused.*/\1/p' "$B/cache.log")
}
# row NAME: one build as a table row.
row() {
	cached
	echo "| $1 | $wall | $user | $sys | $cpu | ${reused:-0} | $(echo "$full $wall" | awk '{printf "%.1f", $1 / $2}') |"
}
# renamed NAME FILE [new]: RENAMES builds, each after FILE's first
# organisation's name changed or put back, as one row: the median, then the
# range. Put back, the name is the one the spare tree's files hold (they are
# those of the build before the previous one), so every byte of the lists
# of all organisations is already in place there. With "new", each build
# gives the name another suffix, one letter longer each time, as a run of
# real edits does: the spare then holds other bytes, and the rest of each
# list after the organisation moves (README, "Publishing"), the case an
# editor's next edit meets.
renamed() {
	f="$dir/content/organismes/$2"
	walls= cpus=
	i=0
	while [ "$i" -lt "$RENAMES" ]; do
		if [ -n "${3:-}" ]; then
			sed -i 's/ (modifié[ x]*)"/"/' "$f"
			sed -i "0,/^\\( *\\)nom: \"\\(.*\\)\"/s//\\1nom: \"\\2 (modifié $(printf "%$((i + 1))s" | tr ' ' x))\"/" "$f"
		elif [ $((i % 2)) = 0 ]; then
			sed -i '0,/^\( *\)nom: "\(.*\)"/s//\1nom: "\2 (modifié)"/' "$f"
		else
			sed -i 's/ (modifié)"/"/' "$f"
		fi
		cached
		walls="$walls $wall" cpus="$cpus $cpu"
		i=$((i + 1))
	done
	sed -i 's/ (modifié[ x]*)"/"/' "$f"
	med() { echo $1 | tr ' ' '\n' | sort -g | awk '{v[NR] = $1} END {m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2; printf "%.2f (%.2f to %.2f)", m, v[1], v[NR]}'; }
	mw=$(med "$walls")
	echo "| $1, $RENAMES builds: median (range) | $mw | | | $(med "$cpus") | ${reused:-0} | $(echo "$full ${mw%% *}" | awk '{printf "%.1f", $1 / $2}') |"
}
cached
full=$wall
echo "| full build (no cache yet) | $wall | $user | $sys | $cpu | 0 | 1.0 |"
row "nothing changed"
touch "$dir/site.yaml"	# its identity changes, not its bytes: the fingerprint misses, the cache holds
row "a file touched, nothing changed"
renamed "one organisation changed, in a file of its own" \
	"$(ls "$dir/content/organismes" | grep '^org-' | sed -n '2p')"
renamed "one organisation changed, a new name each time, in a file of its own" \
	"$(ls "$dir/content/organismes" | grep '^org-' | sed -n '2p')" new
renamed "one organisation changed, in an imported file of 50" \
	"$(ls "$dir/content/organismes" | grep '^import-' | sed -n '2p')"
/usr/bin/time -f '%e %U %S' -o "$B/time.log" "$NEW" check --site "$dir" > /dev/null 2>&1 || true
set -- $(cat "$B/time.log")
echo "| carto check (load, validate) | $1 | $2 | $3 | $(echo "$2 $3" | awk '{print $1 + $2}') | | |"
fi
