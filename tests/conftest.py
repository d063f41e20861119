"""Shared test helpers.

Expected numbers in these tests come from outside the code: the PCIe
specification's tables, vendor application notes, the pcie-bench model's own
output, or hand derivations written out in the test. Oracle rows are cited by
their reference dossier's own row numbers: "pcie#21" is row 21 of the oracle
table (§9) of ``pcie.md``; a bare "#N" is row N of the dossier the file's
docstring names as ``<dossier>.md §9``. Every cited row is vendored, with its
source, in ``tests/data/oracles.toml`` (see ``tests/data/README.md``;
``tests/test_oracles.py`` keeps the two in step).
"""

import os

from hypothesis import settings

settings.register_profile("ci", max_examples=60, deadline=None, derandomize=True)
settings.register_profile("dev", max_examples=200, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
