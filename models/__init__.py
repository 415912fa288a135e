"""CP-SAT formulations: pure functions from a domain Event to a Schedule, no file I/O."""
