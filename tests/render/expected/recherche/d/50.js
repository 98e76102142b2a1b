CARTO_SEARCH_DICT(50, "site", [0]);
