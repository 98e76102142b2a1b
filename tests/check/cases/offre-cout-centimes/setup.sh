# An amount below half a cent is shown as 0 €, as if the offer were free:
# most likely centimes written as euros. A warning at the value.
sed -i '0,/cout: {[^}]*}/s//cout: { gratuit: false, montant_eur: 0.001 }/' content/organismes/asso-test.yaml
