"""PCIe link models, Gen1-Gen7 (Gen8 provisional).

Modules, one per phenomenon: :mod:`~linkmodel.pcie.phy` (rates, encoding),
:mod:`~linkmodel.pcie.framing` (TLP sizes), :mod:`~linkmodel.pcie.dllp`
(Ack/UpdateFC), :mod:`~linkmodel.pcie.skp` (ordered sets),
:mod:`~linkmodel.pcie.flit` (flit mode, errors, replay),
:mod:`~linkmodel.pcie.transactions` (MPS/MRRS/RCB, tags),
:mod:`~linkmodel.pcie.latency`, the composed :func:`link` budget
(:mod:`~linkmodel.pcie.budget`; :func:`link_values` gives its numbers
without building the Dataset) and NVMe command traffic on the link
(:mod:`~linkmodel.pcie.nvme`, with :class:`LinkOptions`).

Public API and kernels
----------------------
A module's public names are its ``__all__``: functions that validate their
inputs, broadcast them and return the caller's kind (number, numpy array or
DataArray). A phenomenon module ends with a section "Kernels (validated
inputs, no checks; for linkmodel.pcie's own use)": each formula is one
``*_scalar_kernel`` (plain floats in, a float out), and its ``*_kernel``
twin runs that same function element-wise over validated numpy arrays
(a Python loop for small arrays, numba for large ones:
:mod:`linkmodel.pcie._jit`). :func:`link` validates every input once and
runs the budget of each configuration as one fused scalar kernel
(``_stages``). A few checked helpers for the package's own use
(:func:`~linkmodel.pcie.flit.resolve_flit`,
:func:`~linkmodel.pcie.phy.raw_bandwidth_and_kind`) sit beside them. Outside
``linkmodel.pcie`` only ``__all__`` names are used: ``tests/pcie/test_api.py``
checks that name by name. import-linter sees modules, not names: its contract
(pyproject.toml) keeps the modules that nothing outside the package needs
(``budget`` and its ``_stages``, ``dllp``, ``framing``, ``skp``) from being imported
from outside at all; the rest go through ``linkmodel.pcie``, ``phy``,
``flit``, ``transactions``, ``latency`` and ``nvme``.
"""

from linkmodel.pcie.budget import link, link_values
from linkmodel.pcie.nvme import LinkOptions
from linkmodel.pcie.phy import GENERATIONS, line_rate, raw_bandwidth

__all__ = ["GENERATIONS", "LinkOptions", "line_rate", "link", "link_values", "raw_bandwidth"]
