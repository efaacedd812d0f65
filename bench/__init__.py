"""Benchmarks. ``python -m bench [NAME ...]`` runs them and records the figures in the docs."""
