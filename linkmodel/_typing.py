"""Type aliases shared by the models: array-likes and the string options (foundation layer).

Every model input broadcasts, so a numeric parameter is an :data:`ArrayLike`:
a Python number, a numpy array or an xarray DataArray (results come back in
the same kind; see :mod:`linkmodel._array`). String options are ``Literal``
types, so a type checker catches ``transfer="wirte"`` before the run-time
check (a one-line ``ValueError`` naming the parameter) does. The run-time
tuples of allowed values are built from these aliases
(``typing.get_args``), so the two cannot drift apart.

Only the standard library is imported at run time; numpy and xarray names are
for the type checker.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal, TypeAlias

if TYPE_CHECKING:
    import numpy as np
    import xarray as xr

__all__ = [
    "ArrayLike",
    "CellMode",
    "Clocking",
    "CompletionCredits",
    "CompletionSplit",
    "DataPointer",
    "DllpPolicy",
    "GcModel",
    "LatencyTransfer",
    "NvmeIo",
    "OpConvention",
    "OpSplit",
    "Packing",
    "Placement",
    "Replay",
    "Service",
    "StorageIo",
    "Transfer",
    "WriteAck",
]

#: A broadcastable numeric input: a number, a numpy array or an xarray DataArray.
ArrayLike: TypeAlias = "float | int | bool | np.ndarray | xr.DataArray"

#: What a stream of PCIe transfers is: posted writes, non-posted reads, or both in equal amounts
#: (:func:`linkmodel.pcie.link`).
Transfer: TypeAlias = Literal["write", "read", "both"]
#: One transfer on an idle link: a one-way posted write or a read round trip
#: (:func:`linkmodel.pcie.latency.breakdown`).
LatencyTransfer: TypeAlias = Literal["write", "read"]
#: SSD I/O direction of :func:`linkmodel.pcie.nvme.io_link_ceiling` (``"mixed"`` with a read share).
NvmeIo: TypeAlias = Literal["read", "write", "mixed"]
#: Reference-clock architecture (sets the SKP cadence; ``"common"`` behaves as SRNS).
Clocking: TypeAlias = Literal["common", "srns", "sris"]
#: How often non-flit Ack / UpdateFC DLLPs are sent (:mod:`linkmodel.pcie.dllp`).
DllpPolicy: TypeAlias = Literal["spec", "per_tlp", "none", "pcie_bench"]
#: Completions as large as MPS, or one per Read Completion Boundary.
CompletionSplit: TypeAlias = Literal["mps", "rcb"]
#: Whether the requester advertises infinite completion credits or returns UpdateFC-Cpl DLLPs.
CompletionCredits: TypeAlias = Literal["infinite", "finite"]
#: Flit mode: TLPs of consecutive transfers share flits, or each transfer starts a new flit.
Packing: TypeAlias = Literal["continuous", "per_transfer"]
#: Replay policy after a failed flit or TLP.
Replay: TypeAlias = Literal["go_back_n", "selective"]
#: How an NVMe command describes its data buffer (PRP list or SGL).
DataPointer: TypeAlias = Literal["prp", "sgl"]

#: Storage I/O direction of the SSD latency models (:mod:`linkmodel.ssd.hostpath`, :mod:`linkmodel.ssd.closedloop`).
StorageIo: TypeAlias = Literal["read", "write"]
#: When the drive acknowledges a write: once its data is in the (power-protected) buffer, or once programmed.
WriteAck: TypeAlias = Literal["buffer", "through"]
#: Where writes are placed: conventional (one pool), FDP (placement handles per class), ZNS (host zones).
Placement: TypeAlias = Literal["conventional", "fdp", "zns"]
#: Garbage-collection model: Lambert-W closed form (large GC units) or the Van Houdt mean field (finite ones).
GcModel: TypeAlias = Literal["lambertw", "meanfield"]
#: How FDP splits the over-provisioning between classes.
OpSplit: TypeAlias = Literal["optimal", "proportional"]
#: Over-provisioning relative to the user capacity or to the physical capacity.
OpConvention: TypeAlias = Literal["user", "physical"]
#: Service-time distribution of a queueing station.
Service: TypeAlias = Literal["deterministic", "exponential"]
#: Dies in their native cell mode or all in SLC mode.
CellMode: TypeAlias = Literal["native", "slc"]
