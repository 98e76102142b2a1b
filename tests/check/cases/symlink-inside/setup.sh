# A link to a file elsewhere inside the site is followed.
mkdir -p partage
sed 's/id: asso-test/id: asso-liee/; s/12345678900012/12345678900047/' content/organismes/asso-test.yaml > partage/org.yaml
ln -s ../../partage/org.yaml content/organismes/liee.yaml
