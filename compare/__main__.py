"""`python -m compare` runs the command line."""

from .cli import main

if __name__ == "__main__":  # worker processes import this module again; only the parent runs
    main()
