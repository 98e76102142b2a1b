#!/bin/sh
# hugo_site.sh SITE DIR: the Markdown pages of a carto site made by
# generator/tools/gensite (SITE/content/pages/synth/*.md) as a Hugo site in
# DIR, for the comparison of make bench-rebuild (tests/bench_rebuild.sh):
# the same bodies, their front matter in Hugo's words (titre: title, resume:
# description, type: categorie, date: date), and minimal layouts that
# show what carto's pages show (title, summary, date, body, a menu and the
# list of pages). Hugo's defaults stay (sitemap, RSS feeds, taxonomies).
set -eu
src=$1/content/pages/synth
dst=$2
rm -rf "$dst"
mkdir -p "$dst/content/synth" "$dst/layouts/_default"
cat > "$dst/hugo.toml" <<'TOML'
baseURL = "https://exemple.org/"
languageCode = "fr"
title = "Comparaison"
disableKinds = ["taxonomy", "term"]
[markup.goldmark.renderer]
unsafe = false
TOML
cat > "$dst/layouts/_default/baseof.html" <<'HTML'
<!DOCTYPE html>
<html lang="fr"><head><meta charset="utf-8"><title>{{ .Title }} – {{ .Site.Title }}</title>
<meta name="description" content="{{ .Description }}"></head>
<body><header><a href="{{ "/" | relURL }}">{{ .Site.Title }}</a></header>
<main>{{ block "main" . }}{{ end }}</main></body></html>
HTML
cat > "$dst/layouts/_default/single.html" <<'HTML'
{{ define "main" }}<h1>{{ .Title }}</h1><p>{{ .Description }}</p>
<p>{{ .Date.Format "2006-01-02" }}</p>{{ .Content }}{{ end }}
HTML
cat > "$dst/layouts/_default/list.html" <<'HTML'
{{ define "main" }}<h1>{{ .Title }}</h1><ul>{{ range .Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ul>{{ end }}
HTML
for f in "$src"/*.md; do
	# Only the front matter's keys are renamed: up to the second '---'.
	awk 'NR == 1 || fm == 1 { if ($0 == "---" && NR > 1) fm = 2; else if (NR == 1) fm = 1;
		sub(/^titre:/, "title:"); sub(/^resume:/, "description:"); sub(/^type:/, "categorie:") }
		{ print }' "$f" > "$dst/content/synth/${f##*/}"
done
