"""The station's own documents: packing slips, 4x6 shipping labels, command sheets."""
