"""The editorial: composed with provenance (`compose`, `sentences`) and checked (`verify`)."""
