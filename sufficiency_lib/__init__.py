"""Children placement sufficiency analysis for English local authorities."""

__version__ = "0.1.0"
