CARTO_SEARCH_DICT(18, "comment", [0]);
