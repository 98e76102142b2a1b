CARTO_SEARCH_DICT(19, "critere", [0]);
