#!/usr/bin/env python3
"""Writes a synthetic LHÉO 2.3 file of N formations (one action each) to
stdout, for the memory tests and make bench: 1 organisation per 5 formations,
lieux in the four communes of tests/check/base's territory, HTML-escaped text
as real exports have. Each action has S sessions (usage: gen_lheo.py N [S],
S 1 by default): the first one as below, the others on the following days,
for the test of one huge action. Deterministic: the same N and S give the
same bytes."""
import datetime
import sys

n = int(sys.argv[1])
n_sessions = int(sys.argv[2]) if len(sys.argv) > 2 else 1
first = datetime.date(2026, 9, 14)


def sessions():
    """The sessions of one action, the first one as it always was."""
    out = ['<session><periode><debut>20260914</debut><fin>20270625</fin></periode>'
           '<etat-recrutement>1</etat-recrutement></session>\n']
    for k in range(1, n_sessions):
        d = first + datetime.timedelta(days=k % 3000)
        out.append(f'<session><periode><debut>{d:%Y%m%d}</debut><fin>20350625</fin></periode>'
                   f'<etat-recrutement>{k % 3 + 1}</etat-recrutement></session>\n')
    return ''.join(out)


session_text = sessions()
communes = [("93066", "93200", "SAINT-DENIS", 48.9362, 2.3574),
            ("93048", "93100", "MONTREUIL", 48.8634, 2.4484),
            ("93008", "93000", "BOBIGNY", 48.9073, 2.4398),
            ("75056", "75011", "PARIS", 48.8590, 2.3800)]
out = sys.stdout
out.write('<?xml version="1.0" encoding="UTF-8"?>\n<lheo xmlns="http://lheo.gouv.fr/2.3">\n<offres>\n')
text = ("&lt;p&gt;Communiquer à l'oral et à l'écrit dans la vie quotidienne : "
        "&lt;b&gt;démarches&lt;/b&gt;, santé, école.&lt;/p&gt;&lt;ul&gt;&lt;li&gt;comprendre"
        "&lt;/li&gt;&lt;li&gt;se présenter&lt;/li&gt;&lt;/ul&gt;") * 3
for i in range(n):
    code, cp, ville, lat, lon = communes[i % 4]
    org = i // 5
    fc = "15235" if i % 3 else "15043"
    out.write(f'''<formation numero="F{i}" horodatage-modification="2026-10-01T10:00:00">
<domaine-formation><code-FORMACODE>{fc}</code-FORMACODE></domaine-formation>
<intitule-formation>Formation de français n° {i}</intitule-formation>
<objectif-formation>{text}</objectif-formation>
<certifiante>0</certifiante>
<contact-formation><coordonnees><nom>Contact {i}</nom><telfixe><numtel>01 00 00 {i % 100:02d} 00</numtel></telfixe></coordonnees></contact-formation>
<parcours-de-formation>1</parcours-de-formation>
<code-niveau-entree>1</code-niveau-entree>
<action numero="A{i}">
<code-public-vise>80018</code-public-vise>
<modalites-enseignement>0</modalites-enseignement>
<lieu-de-formation><coordonnees><adresse><denomination>Salle {i % 7}</denomination><ligne>{i % 90 + 1} rue de la République</ligne><codepostal>{cp}</codepostal><ville>{ville}</ville><code-INSEE-commune>{code}</code-INSEE-commune><geolocalisation><latitude>{lat}</latitude><longitude>{lon}</longitude></geolocalisation></adresse></coordonnees></lieu-de-formation>
<modalites-entrees-sorties>1</modalites-entrees-sorties>
{session_text}<prix-total-TTC>0</prix-total-TTC>
<conventionnement>1</conventionnement>
<organisme-financeur><code-financeur>2</code-financeur></organisme-financeur>
</action>
<organisme-formation-responsable><SIRET-organisme-formation><SIRET>{10000000000000 + org:014d}</SIRET></SIRET-organisme-formation><nom-organisme>Organisme {org}</nom-organisme>
<coordonnees-organisme><coordonnees><courriel>contact{org}@exemple.org</courriel><web><urlweb>https://org{org}.exemple.org</urlweb></web></coordonnees></coordonnees-organisme>
</organisme-formation-responsable>
</formation>
''')
out.write('</offres>\n</lheo>\n')
