CARTO_SEARCH_DICT(53, "trois", [0]);
