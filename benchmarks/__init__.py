"""Data generator and benchmark runner for the organisation tree at district scale."""
