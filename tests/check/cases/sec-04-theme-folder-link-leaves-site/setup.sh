# The site's themes/ folder is a link to a theme outside the site: its
# templates would be used, its assets published.
X="$PWD/../$(basename "$PWD")-dehors"
rm -rf "$X" && mkdir -p "$X/default/templates" "$X/default/assets"
printf '<p>{{titre}}</p>\n' > "$X/default/templates/footer.mustache"
echo "SECRET" > "$X/default/assets/leak.txt"
ln -s "$X" themes
