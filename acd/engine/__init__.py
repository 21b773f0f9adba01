"""The ACD engine: a pure core (no I/O, time passed in) that routes callers to agents."""
