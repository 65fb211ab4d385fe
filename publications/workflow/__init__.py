"""The editorial workflow: review, approval, release times, withdrawals.

`rules` says which transitions exist and who may make them, `history` records each one,
`services` makes them (checks, write, history, then what follows a catalogue change), and
`notifications` tells the people concerned by email after commit.
"""
