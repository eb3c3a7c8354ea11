"""Places: addresses geocoded by the national address API and the priority neighbourhoods (QPV) they fall in."""
