"""Treatment plans: the proposed course and the ordered steps of each session."""
