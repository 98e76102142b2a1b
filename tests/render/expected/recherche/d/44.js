CARTO_SEARCH_DICT(44, "pole pour", [0,0]);
