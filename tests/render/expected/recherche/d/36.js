CARTO_SEARCH_DICT(36, "matin", [0]);
