"""``python -m wfaib``: the same as the ``wfaib`` command."""

from wfaib.cli import main

main()
