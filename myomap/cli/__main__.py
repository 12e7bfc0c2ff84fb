"""``python -m myomap.cli``: the same as the ``myomap`` command."""

import sys

from myomap.cli import main

sys.exit(main())
