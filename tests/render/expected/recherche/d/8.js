CARTO_SEARCH_DICT(8, "actualites", [0]);
