# Named as content but not a file: a pipe (which a load would wait on
# forever if it read it) and a folder where a cartography file goes. Each is
# said to be ignored, not passed over in silence; a folder of organisations
# named *.yaml is a folder, read as one.
mkfifo content/organismes/tuyau.yaml
mkdir -p content/cartographies/dossier.yaml content/organismes/rangees.yaml
cp content/organismes/asso-test.yaml content/organismes/rangees.yaml/autre.yaml
sed -i 's/^  id: asso-test/  id: asso-autre/; s/^  siret: .*/  siret: "12345678900020"/' content/organismes/rangees.yaml/autre.yaml
