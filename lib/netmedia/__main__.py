"""``python -m netmedia`` is the ``netmedia`` command."""

import sys

from netmedia.cli import main

sys.exit(main())
