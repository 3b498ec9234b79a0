"""vissue: build virtual issues — the research that explains an event, from a journal's records."""

__version__ = "0.1.0"
