"""Stock Oscar 4.2 (only oscar.apps.* with Haystack on Whoosh), for comparison in `make bench`."""
