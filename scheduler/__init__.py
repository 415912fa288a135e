"""sigmeet: schedule optimiser for B2B partnering and SIG events."""

__version__ = "0.1.0"
