CARTO_SEARCH_DICT(45, "presenter propos", [0,0]);
