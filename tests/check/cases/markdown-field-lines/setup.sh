# A link in a Markdown value of a YAML field is reported at its own line
# and column: an offer's objectif written as a literal block (its lines
# are the file's), a domain's description as a folded block (its lines are
# joined: at the text's first line) and a competence's on one line.
awk '{ print } /intitule:/ { print "      objectif: |"; print "        Apprendre le français."; print ""; print "        Voir [le programme](javascript:alert(1))." }' \
	content/organismes/asso-test.yaml > x.yaml && mv x.yaml content/organismes/asso-test.yaml
awk '{ print } /titre: "Pôle un"/ { print "      description: >"; print "        Un pôle,"; print "        voir ![logo](data:image/png;base64,AAAA)." }
	/titre: "Axe un"/ { print "          description: \"Voir [ici](vbscript:msgbox(1)).\"" }' \
	referentiels/mini.yaml > x.yaml && mv x.yaml referentiels/mini.yaml
