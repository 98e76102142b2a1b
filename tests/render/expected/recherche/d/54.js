CARTO_SEARCH_DICT(54, "un une", [0,0]);
