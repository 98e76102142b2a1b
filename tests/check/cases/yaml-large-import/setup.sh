# sec-06: one import of 12,000 organisations (about 1.3 million YAML nodes,
# 17 MB, no alias) is accepted: the YAML bound is on what aliases add.
awk 'NR == 1 { print "organismes:"; next } { body = body "  " $0 "\n" }
END {
	sub(/^    /, "  - ", body)
	for (i = 0; i < 12000; i++) {
		b = body
		sub(/id: asso-test/, "id: import-" i, b)
		sub(/siret: "12345678900012"/, sprintf("siret: \"990000%08d\"", i), b)
		printf "%s", b
	}
}' content/organismes/asso-test.yaml > content/organismes/zz-import.yaml
