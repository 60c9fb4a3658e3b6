"""``python -m coproduction_kit.cli`` runs the ``workshop`` command."""

import sys

from coproduction_kit.cli import main

sys.exit(main())
