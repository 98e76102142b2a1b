# Texts that a spreadsheet cell may not hold (32,767 characters, counted in
# UTF-16 code units as Excel counts them, less 256 for what the workbooks add
# around some, such as a département's name after a title): a warning at
# each field. A cartography's title and a vocabulary label of 40,000
# characters, a licence of 16,300 characters past U+FFFF (32,600 units, less
# than a cell but past the margin), a référentiel's title of exactly 32,767;
# the site's title of 32,511 is not warned (its longest cell adds 55
# characters), nor a Markdown introduction of 40,000.
long() { printf "%0${1}d" 0 | tr 0 "$2"; }
sed -i "s|^  titre: \"Démo\"|  titre: \"$(long 40000 t)\"|; s|^  introduction: .*|  introduction: \"$(long 40000 i)\"|" \
	content/cartographies/demo.yaml
sed -i "s|^  alpha: .*|  alpha: \"$(long 40000 l)\"|" referentiels/vocabulaires.yaml
sed -i "s|^  titre: \"Mini référentiel\"|  titre: \"$(long 32767 m)\"|" referentiels/mini.yaml
sed -i "s|^licence: .*|licence: \"$(long 16300 x | sed 's/x/😀/g')\"|" site.yaml
sed -i "s|^titre: .*|titre: \"$(long 32511 s)\"|" site.yaml
