# sec-07's kind in a YAML Markdown field: an offer's objectif of 300 KB of
# "![[]()" is refused at the objectif, at once (it was rendered in quadratic time).
awk '{ print } /intitule:/ { printf "      objectif: \""; for (i = 0; i < 50000; i++) printf "![[]()"; print "\"" }' \
	content/organismes/asso-test.yaml > x.yaml && mv x.yaml content/organismes/asso-test.yaml
