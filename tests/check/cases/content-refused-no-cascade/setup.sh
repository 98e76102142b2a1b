# The folders of pages and organisations, each a link that leaves the site:
# their errors, and none of the "leads to no page" that would follow for
# every menu entry and link to the pages they would have made. A link to a
# page of a kind whose folder was read (a référentiel) is still judged.
X="$PWD/../$(basename "$PWD")-dehors"
rm -rf "$X" && mkdir -p "$X"
printf -- '---\ntitre: "À propos"\n---\n\nÀ propos.\n' > content/pages/a-propos.md
sed -i 's|^    - { titre: "Cartographie", url: "cartographies/demo/" }|&\n    - { titre: "Association", url: "organismes/asso-test/" }\n    - { titre: "À propos", url: "a-propos/" }|' site.yaml
sed -i 's|^  introduction: .*|  introduction: "Voir [l'"'"'association](/organismes/asso-test/), [la page](/a-propos/) et [rien](/referentiels/inconnu/)."|' content/cartographies/demo.yaml
mv content/pages "$X/pages" && ln -s "$X/pages" content/pages
mv content/organismes "$X/organismes" && ln -s "$X/organismes" content/organismes
