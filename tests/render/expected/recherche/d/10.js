CARTO_SEARCH_DICT(10, "arrondissement article", [0,0]);
