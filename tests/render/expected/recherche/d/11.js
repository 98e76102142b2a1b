CARTO_SEARCH_DICT(11, "asl association", [0,0]);
