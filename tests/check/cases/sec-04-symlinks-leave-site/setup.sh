# Symbolic links that leave the site, at every place carto reads from, each
# refused with the same error (the outside folder is beside the site).
X="$PWD/../$(basename "$PWD")-dehors"
rm -rf "$X" && mkdir -p "$X/pages" "$X/orgs" "$X/assets" "$X/theme/templates" "$X/geo"
printf -- '---\ntitre: "SECRET"\n---\nSECRET\n' > "$X/pages/secret.md"
cp content/organismes/asso-test.yaml "$X/orgs/autre.yaml"
echo "SECRET" > "$X/assets/leak.txt"
cp content/pages/index.md "$X/secret.md"
cp referentiels/vocabulaires.yaml "$X/vocabulaires.yaml"
cp "$ROOT"/referentiels/geo/* "$X/geo/"
printf '<p>{{titre}}</p>\n' > "$X/theme/templates/footer.mustache"
mv content/organismes content/organismes-ici && ln -s "$X/orgs" content/organismes
ln -s "$X/pages" content/pages/ailleurs
ln -s "$X/secret.md" content/pages/secret.md
rm referentiels/vocabulaires.yaml && ln -s "$X/vocabulaires.yaml" referentiels/vocabulaires.yaml
mkdir -p referentiels/geo && cp "$ROOT"/referentiels/geo/* referentiels/geo/
rm referentiels/geo/communes.csv && ln -s "$X/geo/communes.csv" referentiels/geo/communes.csv
mkdir -p themes/default/templates themes/default/partials
ln -s "$X/assets" themes/default/assets
ln -s "$X/theme/templates/footer.mustache" themes/default/partials/footer.mustache
# A link that stays in the site is followed, without a word.
printf '<p>{{titre}}</p>\n' > themes/pied.mustache && ln -s ../../pied.mustache themes/default/templates/pied.mustache
