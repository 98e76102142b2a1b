#!/bin/sh
# Installs the Debian packages carto needs to build and test, when missing:
# with apt-get when run as root, otherwise prints the exact command to run.
PKGS="gcc make libc6-dev pkg-config libcmark-dev libyaml-dev libhpdf-dev libxlsxwriter-dev
zlib1g-dev libpng-dev diffutils"
missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
		missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" = 0 ]; then
	echo "carto: installing missing Debian packages:$missing"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq && apt-get install -y -qq --no-install-recommends $missing >/dev/null ||
		{ echo "carto: apt-get failed" >&2; exit 1; }
else
	echo "carto: missing Debian packages. Run:" >&2
	echo "  sudo apt-get install -y --no-install-recommends$missing" >&2
	exit 1
fi
