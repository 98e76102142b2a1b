CARTO_SEARCH_DICT(56, "webinaire webinaires", [0,0]);
