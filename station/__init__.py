"""Station: the core of the packing and returns station (no Qt)."""
__version__ = "0.1.0"
