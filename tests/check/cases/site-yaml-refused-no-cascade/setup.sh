# site.yaml alone as a link that leaves the site: its error, and none of the
# warnings that would follow from its settings missing (every organisation
# older than a freshness of 0 days, the legal pages' block).
X="$PWD/../$(basename "$PWD")-dehors"
rm -rf "$X" && mkdir -p "$X" && mv site.yaml "$X/"
ln -s "$X/site.yaml" site.yaml
