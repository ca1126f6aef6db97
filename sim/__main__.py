"""``python -m sim`` runs the command line."""

from .cli import main

main()
