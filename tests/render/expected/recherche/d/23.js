CARTO_SEARCH_DICT(23, "domaine", [0]);
