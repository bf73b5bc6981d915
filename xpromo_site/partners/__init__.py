"""partners.yaml → Program and Partners, with the checks that span fields and partners.

The jobs: `spec.py` (the file's schema and field docs), `load.py` (reading it and the
checks across fields and partners).
"""

from __future__ import annotations

from .load import Roster, load_program
from .spec import PARTNERS_FILE, ROOT

__all__ = ["PARTNERS_FILE", "ROOT", "Roster", "load_program"]
