CARTO_SEARCH_DICT(29, "francais", [0]);
