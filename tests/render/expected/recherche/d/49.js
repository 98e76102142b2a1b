CARTO_SEARCH_DICT(49, "saint samedi", [0,0]);
