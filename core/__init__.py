"""Small helpers any app may use (rate limits); core imports no app and no project wiring."""
