"""``python -m toolkit``: the command line."""

from toolkit.app.cli import main

raise SystemExit(main())
