CARTO_SEARCH_DICT(38, "montreuil mots", [0,0]);
