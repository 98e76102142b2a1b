CARTO_SEARCH_DICT(43, "page paris", [0,0]);
