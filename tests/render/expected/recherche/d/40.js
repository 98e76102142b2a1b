CARTO_SEARCH_DICT(40, "offre", [0]);
