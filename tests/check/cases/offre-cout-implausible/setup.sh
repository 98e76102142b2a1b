# An amount past any training's price (a SIRET pasted, centimes written as
# euros): a warning at the value, the offer kept. 100 000 € itself passes.
sed -i '0,/cout: {[^}]*}/s//cout: { gratuit: false, montant_eur: 9223372036854775807 }/' content/organismes/asso-test.yaml
sed 's/^  id: asso-test/  id: asso-deux/; s/^  siret: .*/  siret: "12345678900020"/; s/montant_eur: [0-9]*/montant_eur: 100000/' \
	content/organismes/asso-test.yaml > content/organismes/asso-deux.yaml
