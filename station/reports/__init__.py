"""Daily report queries."""
