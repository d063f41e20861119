"""Shared test helpers.

Expected numbers in these tests come from outside the code: the PCIe
specification's tables, vendor application notes, the pcie-bench model's own
output, or hand derivations written out in the test. Row numbers like "#21"
refer to the oracle table in the reference dossier ``pcie.md`` §9.
"""

import os

from hypothesis import settings

settings.register_profile("ci", max_examples=60, deadline=None, derandomize=True)
settings.register_profile("dev", max_examples=200, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
