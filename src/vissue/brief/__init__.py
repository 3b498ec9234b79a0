"""The event brief: what an editor's text is about (places, actors, period, key phrases)."""
