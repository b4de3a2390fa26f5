"""`python -m cocomposer` runs the same command line as the `cocomposer` script."""

import sys

from cocomposer.cli import main

sys.exit(main())
