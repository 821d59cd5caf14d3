"""`python -m osi_check` runs the same command line as `osi-check`."""

from osi_check.cli import main

main()
