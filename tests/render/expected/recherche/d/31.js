CARTO_SEARCH_DICT(31, "information", [0]);
