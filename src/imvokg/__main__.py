"""`python -m imvokg` runs the command line."""

from imvokg.cli import main

raise SystemExit(main())
