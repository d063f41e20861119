"""The UFS link (phones): MIPI M-PHY gears and lanes, UniPro framing, UTP UPIUs, and the link budget.

One module per phenomenon, like :mod:`linkmodel.pcie`: :mod:`~linkmodel.ufs.mphy`
(high-speed gears, rate series A/B, line coding, lanes), :mod:`~linkmodel.ufs.unipro`
(data-link frames and their overhead), :mod:`~linkmodel.ufs.utp` (UPIUs of a
transfer) and :mod:`~linkmodel.ufs.budget` (the per-direction budget,
:func:`link`); :mod:`~linkmodel.ufs.latency` gives a UPIU's time on the link
(for the QD1 latency). Facts and their sources: ``../shared/reference/edge_inference.md``
§1 (the project's dossier), cited in each module.
"""

from linkmodel.ufs import latency, mphy, unipro, utp
from linkmodel.ufs.budget import io_link_ceiling, link

__all__ = ["io_link_ceiling", "latency", "link", "mphy", "unipro", "utp"]
