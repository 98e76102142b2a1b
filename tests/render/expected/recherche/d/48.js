CARTO_SEARCH_DICT(48, "referentiel", [0]);
