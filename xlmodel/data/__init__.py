"""Data: the providers Refresh fetches from, their typed records with provenance, the embedded
snapshot and sourced company figures, and the grids the data sheets hold. The only layer that
touches the network; it imports nothing of ``calc``, ``template`` or ``refresh``."""
