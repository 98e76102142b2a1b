CARTO_SEARCH_DICT(15, "cartographie", [0]);
