"""PCIe link models, Gen1-Gen7 (Gen8 provisional).

Modules, one per phenomenon: :mod:`~linkmodel.pcie.phy` (rates, encoding),
:mod:`~linkmodel.pcie.framing` (TLP sizes), :mod:`~linkmodel.pcie.dllp`
(Ack/UpdateFC), :mod:`~linkmodel.pcie.skp` (ordered sets),
:mod:`~linkmodel.pcie.flit` (flit mode, errors, replay),
:mod:`~linkmodel.pcie.transactions` (MPS/MRRS/RCB, tags),
:mod:`~linkmodel.pcie.latency` and the composed :func:`link` budget.
"""

from linkmodel.pcie.budget import link
from linkmodel.pcie.phy import GENERATIONS, line_rate, raw_bandwidth

__all__ = ["GENERATIONS", "line_rate", "link", "raw_bandwidth"]
