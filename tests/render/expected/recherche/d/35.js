CARTO_SEARCH_DICT(35, "ligne", [0]);
