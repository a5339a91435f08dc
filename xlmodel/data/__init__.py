"""Data: the embedded, sourced dataset (and, later, the Refresh sources). The only layer with I/O."""
