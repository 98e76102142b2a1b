CARTO_SEARCH_DICT(21, "de decouvrir demo demonstration denis des deux", [0,0,0,0,0,0,0]);
