"""``python -m linkmodel.cli``: the command line."""

import sys

from linkmodel.cli import main

sys.exit(main())
