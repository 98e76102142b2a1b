CARTO_SEARCH_DICT(51, "sociolinguistique sous", [0,0]);
