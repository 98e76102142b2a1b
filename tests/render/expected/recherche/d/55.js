CARTO_SEARCH_DICT(55, "vers", [0]);
