CARTO_SEARCH_DICT(22, "diaporama diapositives", [0,0]);
