"""Experiments and shipped-data rebuilding: in the repository, not installed with kg."""
