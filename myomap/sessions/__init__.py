"""Treatment sessions: the guided session beside the table and its event log."""
