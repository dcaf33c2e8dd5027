#!/usr/bin/env python
"""Django's command-line utility. `bvct` is the same thing with friendlier errors."""

import sys

from bvct.cli import main

if __name__ == "__main__":
    sys.exit(main())
