CARTO_SEARCH_DICT(9, "alpha alphabetisation", [0,0]);
