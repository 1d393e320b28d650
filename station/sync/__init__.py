"""Backend client, outbox relay and catalog/order cache."""
