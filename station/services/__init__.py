"""Command handlers: open a unit of work, run a workflow step, save, publish."""
