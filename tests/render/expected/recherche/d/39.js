CARTO_SEARCH_DICT(39, "nouvelle nouvelles", [0,0]);
