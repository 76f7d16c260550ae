"""`python -m compare` runs the command line."""

from .cli import main

main()
