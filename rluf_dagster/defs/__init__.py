"""One module per asset group; each exposes `defs = dg.Definitions(...)`."""
