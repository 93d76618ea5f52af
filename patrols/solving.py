"""Placeholder: the parallel roster solving tasks land here."""
