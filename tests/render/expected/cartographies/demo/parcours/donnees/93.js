/* Written by carto. */
CARTO_PARCOURS("93", {"o": [
["Association Test","organismes/asso-test/index.html"]],
"r": [
[0,"alpha-matin","Alphabétisation du matin","Montreuil","93",48.86349,2.44846,[0,1]],
[0,"fle-soir","Français – vers A1","Montreuil","93",48.86349,2.44846,[0]],
[0,"fle-soir","Français – vers A1","Saint-Denis","93",48.93620,2.35740,[0]]],
"e": {
"etape-cecrl-1":[0,1,2],
"etape-cecrl-2":[0]}});
