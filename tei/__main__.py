"""`python -m tei`: the same as the `tei` command."""
from .cli import main

main()
