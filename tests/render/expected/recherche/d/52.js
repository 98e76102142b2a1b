CARTO_SEARCH_DICT(52, "test", [0]);
