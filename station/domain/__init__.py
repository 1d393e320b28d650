"""Plain data: orders, returns, catalog, barcodes, events."""
