#!/bin/sh
# Installs the Debian packages carto needs, when missing: with apt-get when
# run as root, otherwise prints the exact command to run. Without argument
# (make site): what builds and runs carto. With --web (make test): also the
# test tools, the Debian packaging tools and the pinned npm packages.
PKGS="gcc make libc6-dev pkg-config libcmark-dev libyaml-dev libhpdf-dev libxlsxwriter-dev
zlib1g-dev libminizip-dev libpng-dev libqrencode-dev libutf8proc-dev libxml2-dev libxxhash-dev fonts-liberation fonts-dejavu-core"
if [ "${1:-}" = --web ]; then
	PKGS="$PKGS diffutils python3 python3-icalendar chromium poppler-utils qpdf
python3-openpyxl python3-jsonschema libxml2-utils debhelper dpkg-dev fakeroot lintian man-db git strace"
fi
missing=""
# Node.js may come from elsewhere than Debian (its npm then comes with it).
[ "${1:-}" != --web ] || { command -v node > /dev/null && command -v npm > /dev/null; } ||
	missing=" nodejs npm"
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
		missing="$missing $p"
done
if [ -z "$missing" ]; then
	:
elif [ "$(id -u)" = 0 ]; then
	echo "carto: installing missing Debian packages:$missing"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq && apt-get install -y -qq --no-install-recommends $missing >/dev/null ||
		{ echo "carto: apt-get failed" >&2; exit 1; }
else
	echo "carto: missing Debian packages. Run:" >&2
	echo "  sudo apt-get install -y --no-install-recommends$missing" >&2
	exit 1
fi
# The web test tools, pinned in package-lock.json, installed when missing or
# when the lock file changed.
if [ "${1:-}" = --web ] && command -v npm > /dev/null; then
	cd "$(dirname "$0")/.." || exit 1
	if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
		npm ci --no-fund --no-audit --loglevel=error > /dev/null || { echo "carto: npm ci failed" >&2; exit 1; }
	fi
fi
exit 0
