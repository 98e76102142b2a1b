# site.yaml itself, then the whole content/ folder, as links that leave the site.
X="$PWD/../$(basename "$PWD")-dehors"
rm -rf "$X" && mkdir -p "$X" && mv site.yaml content "$X/"
ln -s "$X/site.yaml" site.yaml && ln -s "$X/content" content
