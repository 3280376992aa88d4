"""Small returns written by hand, not by ``netmedia.samples``: literal cells, the workbooks built from them, and the
clean rows an analyst reads in each (issue 13, item 7). Nothing here imports netmedia."""
