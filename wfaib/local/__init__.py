"""The local platform: AWS wiring, servers and loops that make WFAIB run on one laptop."""
