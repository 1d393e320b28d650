"""Scanner and scale readers over pyserial (no Qt)."""
