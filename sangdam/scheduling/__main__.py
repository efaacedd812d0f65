"""``python -m sangdam.scheduling ARGS`` = ``sangdam schedule ARGS``, without Django's start-up."""

import sys

from sangdam.scheduling.cli import main

sys.exit(main(sys.argv[1:]))
