"""The mailing list's writes with side effects, as `<entity>_<action>` functions."""
