"""Entry point for ``python -m dumon``."""

from dumon.cli import main

main()
