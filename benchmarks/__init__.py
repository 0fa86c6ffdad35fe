"""``make bench``: one command, figures printed, nothing asserted."""
