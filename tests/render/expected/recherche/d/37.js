CARTO_SEARCH_DICT(37, "mini", [0]);
