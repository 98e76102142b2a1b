CARTO_SEARCH_DICT(33, "la langue", [0,0]);
