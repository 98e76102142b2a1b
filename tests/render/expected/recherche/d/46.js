CARTO_SEARCH_DICT(46, "publie", [0]);
