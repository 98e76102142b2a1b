CARTO_SEARCH_DICT(13, "autre", [0]);
