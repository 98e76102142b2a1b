CARTO_SEARCH_DICT(30, "heure", [0]);
