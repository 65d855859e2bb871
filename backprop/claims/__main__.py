"""``python -m backprop.claims book/*.md``: the unchecked numbers of each page."""

import sys

from .scan import main

sys.exit(main(sys.argv[1:]))
