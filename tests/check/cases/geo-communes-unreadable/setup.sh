# communes.csv refused (a link that leaves the site): said once, at the file,
# not again at every lieu as an unknown commune.
ln -sf /dev/null referentiels/geo/communes.csv
