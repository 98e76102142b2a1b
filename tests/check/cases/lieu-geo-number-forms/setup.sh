# YAML writes a number with an exponent too (4.89362e1 is 48.9362): read as
# one. A value that is not a number is said once, at the value, without the
# "needs both" that would follow as if it were missing; infinity (1e400) is
# not a number a place can have.
sed -i 's/^      geo: { lat: 48.9362, lon: 2.3574 }/      geo: { lat: 4.89362e1, lon: 2.3574E0 }/' content/organismes/asso-test.yaml
sed 's/^  id: asso-test/  id: asso-deux/; s/^  siret: .*/  siret: "12345678900020"/; s/^      geo: { lat: .*/      geo: { lat: "quarante-huit", lon: 2.3574 }/' \
	content/organismes/asso-test.yaml > content/organismes/asso-deux.yaml
sed 's/^  id: asso-test/  id: asso-trois/; s/^  siret: .*/  siret: "12345678900038"/; s/^      geo: { lat: .*/      geo: { lat: 1e400, lon: 2.3574 }/' \
	content/organismes/asso-test.yaml > content/organismes/asso-trois.yaml
