"""PDF to searchable text: parse in a limited child process, clean, store, never lose work."""
