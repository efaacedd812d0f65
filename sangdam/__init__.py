"""Sangdam: consultation platform for export-fair matchmaking and contact centers."""
