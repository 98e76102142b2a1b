CARTO_SEARCH_DICT(41, "organisme", [0]);
