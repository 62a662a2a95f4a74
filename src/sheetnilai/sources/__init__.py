"""Reading returned workbooks: raw cells first (`raw`), then our template's structure."""
