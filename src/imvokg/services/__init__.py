"""Domain questions and workflows, above the store and the named queries."""
