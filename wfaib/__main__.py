"""``python -m wfaib``: the same command line as the ``wfaib`` script."""

from wfaib.cli import main

if __name__ == "__main__":
    main()
