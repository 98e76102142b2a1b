CARTO_SEARCH_DICT(27, "et etrangere", [0,0]);
