"""Documents (data in, PDF/ZPL bytes out) and print targets (no Qt, no database)."""
