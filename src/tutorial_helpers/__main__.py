"""``python -m tutorial_helpers``: the command line (see :mod:`tutorial_helpers.cli`)."""

from tutorial_helpers.cli import main

raise SystemExit(main())
