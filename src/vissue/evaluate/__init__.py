"""Evaluation against gold virtual issues: selections (`gold`) and themes (`themes`)."""
