"""linkmodel: analytical performance models for PCIe links and SSDs.

The core works in SI floats (bytes, seconds, B/s, W, J); see
:mod:`linkmodel.units` for the multiplier constants and the glossary.
"""

from linkmodel import units
from linkmodel.pcie import link

__version__ = "0.1.0"
__all__ = ["__version__", "link", "units"]
