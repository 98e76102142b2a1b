# The closed lists a link that leaves the site: their error alone. Without
# them the pages are not checked in, and every link and menu entry to a
# page, and every code a view names, would be reported after it.
X="$PWD/../$(basename "$PWD")-dehors"
rm -rf "$X" && mkdir -p "$X"
mv referentiels/vocabulaires.yaml "$X/" && ln -s "$X/vocabulaires.yaml" referentiels/vocabulaires.yaml
printf -- '---\ntitre: "À propos"\n---\n\nVoir [l'"'"'accueil](../).\n\n```carto\ncompte: demo\ntypes: [fle]\n```\n' > content/pages/a-propos.md
printf -- '---\ntitre: "Plus"\n---\n\nVoir [à propos](/a-propos/).\n' > content/pages/plus.md
sed -i 's|^    - { titre: "Cartographie", url: "cartographies/demo/" }|&\n    - { titre: "À propos", url: "a-propos/" }|' site.yaml
