"""Pure state machines of the station's workflows: no I/O."""
