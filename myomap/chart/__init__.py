"""The client's chart: the page a therapist lives in. It composes every clinical app (intake,
screening, assessment, outcomes, plans, sessions, notes) for one client, so it sits above them
all and none of them imports it."""
