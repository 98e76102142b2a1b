CARTO_SEARCH_DICT(12, "atelier", [0]);
