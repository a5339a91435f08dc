"""xlmodel: Excel functions for analysts covering listed bitcoin miners."""

__version__ = "0.1.0"
