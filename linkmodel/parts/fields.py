"""The fields of the data files and their plausible ranges: part files, published figures, the catalogue.

Every physical field has a plausible range ``(lo, hi)`` in SI units (``FieldType.span``) with its basis
next to it: a published span, a physical bound, or an ASSUMPTION with why. The ranges are generous (every
bundled part and catalogue entry is well inside); they exist to refuse a unit slip or a 1e300, with a
one-line error naming the file and the field. ``data/specs/README.md`` documents every field named here.
"""

from __future__ import annotations

from linkmodel.parts.schema import FieldType
from linkmodel.pcie import phy, transactions
from linkmodel.ufs import mphy
from linkmodel.units import GB, PB, TB, KiB, MiB, pJ

__all__ = [
    "BURST_METRICS",
    "CONTROLLER_FIELDS",
    "ENDURANCE_METRICS",
    "LINK_FAMILIES",
    "METRICS",
    "NAND_FIELDS",
    "PART_FIELDS",
    "PUBLISHED_KEYS",
    "PUBLISHED_STATES",
]

# ---------------------------------------------------------------------------
# plausible ranges (SI), each with its basis
# ---------------------------------------------------------------------------

#: user or raw capacity of a drive [B]: the first SSDs sold held 16-32 GB, the largest shipping 245.76 TB,
#: vendors' roadmaps reach 1 PB; 1 GB to 10 PB leaves a decade and more either side
CAPACITY = (1 * GB, 10 * PB)
#: a drive's power cap or power state [W]: operational NVMe states of client drives go down to about 1 W;
#: an E3.L EDSFF drive is specified to 70 W (SFF-TA-1008) and a x16 add-in card draws 75 W from its slot (CEM)
DRIVE_POWER = (0.1, 100.0)
#: a published drive power [W]: as DRIVE_POWER, down to the few-mW idle of client drives in L1.2
PUBLISHED_POWER = (1e-4, 100.0)
#: drive writes per day [1/day]: published ratings span 0.3 (QLC) to 100 (Intel Optane P5800X)
DWPD = (0.01, 200.0)
#: warranty period [years]: enterprise drives 3-5, client drives up to 10 (Samsung 850 PRO)
WARRANTY = (0.25, 20.0)
#: NAND channels: 4-16 in the catalogue; the widest published controller has 32 (Micron P320h)
CHANNELS = (1, 64)
#: NAND bus rate [T/s]: ONFI 1.0's 50 MT/s to Toggle 6's 4800 MT/s (the catalogue: 1200-4800); 2x above
NAND_RATE = (10e6, 10e9)
#: a drive's or controller's bandwidth [B/s]: PCIe Gen7 x16 carries 242 GB/s per direction; 1 TB/s is above
#: any drive, 1 MB/s below any SSD
BANDWIDTH = (1e6, 1e12)
#: IOPS [1/s]: 7 M for the fastest bundled parts; 1 G/s is more than PCIe Gen7 x16 carries in 512 B transfers
IOPS = (1.0, 1e9)
#: QD1 latency [s]: ~5 us for Optane reads and DRAM-cached writes; 100 ns is below one PCIe round trip,
#: 100 ms ten HDD seeks
LATENCY = (100e-9, 0.1)
#: read bandwidth per watt [B/s/W]: ASSUMPTION, about three decades either side of the published 0.6-1.14 GB/s/W
EFFICIENCY = (1e6, 1e12)
#: rated bytes written [B]: capacity x DWPD x 365 x years, from 32 GB x 0.3 x 365 x 3 (about 10 TB) to
#: 1 PB x 100 x 365 x 10 (3.7e20 B); 1 TB to 1e21 B
TBW = (1 * TB, 1e21)
#: an I/O size [B]: at least one 512 B sector; published sequential figures use 64 KiB - 1 MiB
BLOCK = (512.0, 64 * MiB)
#: queue depth: NVMe's ceiling is 65,535 I/O queues x 65,536 entries (Number of Queues, CAP.MQES)
QUEUE_DEPTH = (1.0, 65535.0 * 65536.0)
#: mapping unit [B], a power of two: the 512 B sector at least; QLC drives map 16-64 KiB (Micron IU blog)
INDIRECTION_UNIT = (512.0, 1 * MiB)
#: DRAM [B]: 1 B per 1 KB of NAND at a 4 KiB unit puts 10 PB of NAND at 10 TB; below 1 MB is a unit slip
DRAM = (1e6, 10 * TB)
#: host memory buffer [B]: NVMe lets a drive ask for any size; DRAM-less client drives ask for 16-64 MiB
#: (ASSUMPTION from the HMB drives' published figures); 1 MiB - 16 GiB refuses a unit slip either way
HMB = (1 * MiB, 16 * 1024 * MiB)
#: mapping entries a DRAM-less controller holds [B]: 64 KiB (16 Ki entries, 64 MiB of 4 KiB units) up to 16 GiB
#: (a whole 16 TB table); mobile controllers keep a few hundred KiB in SRAM (linkmodel.ssd.mapping)
MAPPING_CACHE = (64 * 1024.0, 16 * 1024 * MiB)
#: die power while sensing, programming or erasing [W]: 25-100 mA at 3.3 V is 83-330 mW (SimpleSSD, SSDSim);
#: ASSUMPTION: 1 mW - 2 W, beyond any die
DIE_POWER = (1e-3, 2.0)
#: controller power [W]: 4-10 W in the catalogue; a controller draws less than its drive (DRIVE_POWER)
CONTROLLER_POWER = (0.1, 100.0)

_GENS = tuple(phy.GENERATIONS)
_LANES = tuple(phy.ALLOWED_LANES)
#: host-link families of a part or controller (``link``); PCIe when absent
LINK_FAMILIES = ("pcie", "ufs")
#: lanes either family allows (PCIe 1, 2, 4, 8, 16; UFS 1-4 per direction): checked per family on load
_ANY_LANES = tuple(sorted(set(_LANES) | set(mphy.ALLOWED_LANES)))
#: M-PHY high-speed gears the UFS budget models (HS-G6, PAM4 with FEC, is not modelled)
_GEARS = tuple(mphy.GEARS)
_SIZES = tuple(float(m) for m in transactions.ALLOWED_MPS)  # MPS and MRRS take the same sizes

# ---------------------------------------------------------------------------
# part files
# ---------------------------------------------------------------------------

PART_FIELDS: dict[str, FieldType] = {
    "link": FieldType("choice", choices=LINK_FAMILIES, doc="host-link family: pcie (default) or ufs"),
    "gen": FieldType("int", choices=_GENS, doc="PCIe generation (PCIe parts: required; UFS parts: refused)"),
    "gear": FieldType("int", choices=_GEARS, doc="M-PHY high-speed gear (UFS parts: required; PCIe parts: refused)"),
    "lanes": FieldType("int", True, _ANY_LANES, doc="link width: PCIe 1, 2, 4, 8, 16; UFS lanes per direction 1-4"),
    "mps": FieldType("size", choices=_SIZES, doc="Max_Payload_Size"),
    "mrrs": FieldType("size", choices=_SIZES, doc="Max_Read_Request_Size"),
    "controller": FieldType("str", True, doc="controller catalogue id, or the id of the file's own [[controller]]"),
    "nand": FieldType("str", True, doc="NAND catalogue id, or the id of the file's own [[nand]]"),
    "nand_by_capacity": FieldType(
        "nand_map", span=CAPACITY, doc="NAND catalogue id per SKU capacity where SKUs differ (the others use `nand`)"
    ),
    "channels": FieldType("int", span=CHANNELS, doc="NAND channels used (default: the controller's; never more)"),
    "channel_rate": FieldType("rate", span=NAND_RATE, doc="NAND bus rate (default: min of controller and NAND)"),
    "capacity": FieldType("size", True, span=CAPACITY, doc="user capacity of the SKU the figures refer to"),
    "raw_capacity": FieldType("size", span=CAPACITY, doc="NAND capacity (default: next power-of-two TiB count)"),
    "power_cap": FieldType("power", True, span=DRIVE_POWER, doc="maximum average active power the drive is held to"),
    "power_states": FieldType(
        "power_list", span=DRIVE_POWER, doc="maximum power of each operational NVMe power state, PS0 first"
    ),
    "dram": FieldType(
        "size",
        span=DRAM,
        doc="DRAM capacity (default 1 GB per TB of NAND at a 4 KiB mapping unit, scaled by 4 KiB / unit)",
    ),
    "indirection_unit": FieldType(
        "size", span=INDIRECTION_UNIT, pow2=True, doc="mapping granularity, a power of two (default 4 KiB; 16 KiB QLC)"
    ),
    "dwpd": FieldType("number", span=DWPD, doc="rated drive writes per day"),
    "dramless": FieldType("bool", doc="no DRAM on the drive (DRAM-less client controllers, UFS devices)"),
    "hmb": FieldType("size", span=HMB, doc="host memory buffer a DRAM-less NVMe drive asks for (its mapping cache)"),
    "mapping_cache": FieldType(
        "size",
        span=MAPPING_CACHE,
        doc="mapping entries a DRAM-less controller holds: its SRAM, plus a UFS HPB region where the host enables "
        "one (default: the hmb, else 256 KiB of SRAM; a drive with DRAM holds its whole table)",
    ),
    "slc_cache": FieldType(
        "number",
        positive=False,
        # its 0-1 range is checked where it is resolved (linkmodel.parts.rules), naming the field
        doc="share of host writes that pass through an SLC write cache and are folded later, 0-1 (default 0: no cache)",
    ),
    "warranty_years": FieldType("number", span=WARRANTY, doc="warranty period for the endurance rating [years]"),
    "form_factor": FieldType("str"),
    "dual_port": FieldType("bool"),
}

#: metric -> (quantity kind, plausible range (SI), description)
METRICS: dict[str, tuple[str, tuple[float, float], str]] = {
    "seq_read": ("bandwidth", BANDWIDTH, "sequential read, 128 KiB unless stated [B/s]"),
    "seq_write": ("bandwidth", BANDWIDTH, "sequential write, 128 KiB unless stated [B/s]"),
    "rand_read": ("frequency", IOPS, "random read IOPS, 4 KiB unless stated [1/s]"),
    "rand_write": ("frequency", IOPS, "random write IOPS (steady state), 4 KiB unless stated [1/s]"),
    "mixed_70_30": ("frequency", IOPS, "random 70 % read / 30 % write IOPS, 4 KiB [1/s]"),
    "active_power": ("power", PUBLISHED_POWER, "maximum average active power [W]"),
    "seq_read_power": ("power", PUBLISHED_POWER, "average power during sequential reads [W]"),
    "seq_write_power": ("power", PUBLISHED_POWER, "average power during sequential writes [W]"),
    "read_efficiency": ("efficiency", EFFICIENCY, "sequential read bandwidth per watt [B/s/W]"),
    "idle_power": ("power", PUBLISHED_POWER, "idle power [W]"),
    "read_latency": ("time", LATENCY, "QD1 4 KiB random read latency [s]"),
    "write_latency": ("time", LATENCY, "QD1 4 KiB random write latency [s]"),
    "dwpd": ("ratio", DWPD, "drive writes per day"),
    "tbw_random": ("size", TBW, "rated terabytes written, random workload [B]"),
    "tbw_seq": ("size", TBW, "rated terabytes written, sequential workload [B]"),
}
#: endurance ratings: no I/O size or queue depth belongs to them
ENDURANCE_METRICS = ("dwpd", "tbw_random", "tbw_seq")

#: the drive state a published figure was measured in (``[[published]].state``) -> what it means
PUBLISHED_STATES = {
    "steady": "the drive as the model predicts it by default: native programs, steady state (the default)",
    "slc_burst": "a burst into the SLC write cache of a fresh drive (a client drive's 'up to' write, a UFS "
    "WriteBooster figure): predicted with every die in SLC mode (linkmodel.ssd.slc_cache.burst_params)",
}
#: the metrics a figure may be an SLC-cache burst of: sequential writes (no garbage collection in a
#: sequential burst, so the burst drive's write amplification is 1; a random burst on a fresh drive would
#: need the GC model switched off, which the drive model does not offer)
BURST_METRICS = ("seq_write", "seq_write_power")

#: key of a [[published]] table -> how it is read (metric and value are read per metric, kind from its list)
PUBLISHED_KEYS: dict[str, FieldType | None] = {
    "metric": None,
    "value": None,
    "kind": None,
    "capacity": FieldType("size", span=CAPACITY),
    "block_size": FieldType("size", span=BLOCK),
    "queue_depth": FieldType("int", span=QUEUE_DEPTH),  # I/Os in flight: a whole number
    "source": FieldType("str"),
    "confirmed": FieldType("bool"),
    "note": FieldType("str"),
    "sets": FieldType("str"),
    "state": FieldType("choice", choices=tuple(PUBLISHED_STATES)),
}

# ---------------------------------------------------------------------------
# the catalogue
# ---------------------------------------------------------------------------

NAND_FIELDS: dict[str, FieldType] = {
    "vendor": FieldType("str", True),
    "generation": FieldType("str", True),
    "cell": FieldType("choice", True, ("SLC", "MLC", "TLC", "QLC")),
    # 1 for planar NAND; 332 in the catalogue; vendors' roadmaps reach 1,000 by about 2030
    "layers": FieldType("int", span=(1, 1000)),
    # planar dies of 1-64 Gibit to today's 2 Tibit QLC (Kioxia BiCS8); 16 Tibit is 8x that. A die's capacity is
    # published in bits, so bits are allowed here
    "die_capacity": FieldType("size", True, span=(2**30 / 8, 2**44 / 8), bits=True),  # 1 Gibit to 16 Tibit
    # 1-6 planes published (Micron 276L: 6), up to 8 in the catalogue
    "planes": FieldType("int", True, span=(1, 16)),
    # 512 B pages of small-block NAND to 16 KiB today
    # data pages are powers of two (4, 8, 16 KiB); the spare (ECC) bytes are spare_fraction, not the page
    "page_size": FieldType("size", True, span=(512.0, 64 * KiB), pow2=True),
    # ECC/spare bytes per page: 3 % (2 KiB + 64 B) to about 14 % (16 KiB + 2,208 B); ASSUMPTION: 50 % is beyond
    # any ECC scheme published (a share, never above 1)
    "spare_fraction": FieldType("ratio", True, positive=False, span=(0.0, 0.5)),
    "interface_rate": FieldType("rate", True, span=NAND_RATE),
    # SLC-class dies read in 3-5 us (Kioxia XL-Flash), QLC in 100-170 us; 2 ms is 10x the slowest
    "t_read": FieldType("time", True, span=(1e-6, 2e-3)),
    # SLC 50-100 us (XL-Flash) to QLC one-shot programs of 2-7 ms; 50 ms is 7x the slowest
    "t_prog": FieldType("time", True, span=(10e-6, 50e-3)),
    # block erase 1.5 ms (SLC, SSDSim) to about 10 ms (QLC) (ssd_modeling.md §4.2); 10x either side
    "t_erase": FieldType("time", True, span=(100e-6, 100e-3)),
    "t_read_slc": FieldType("time", True, span=(1e-6, 2e-3)),  # the die run in SLC mode (one bit per cell)
    "t_prog_slc": FieldType("time", True, span=(10e-6, 50e-3)),
    # 64-page blocks of early SLC (128 KiB of 2 KiB pages) to 2,048 in the catalogue; 32x that
    "block_pages": FieldType("int", True, span=(16, 65536)),
    "independent_plane_reads": FieldType("int", True, span=(1, 16)),  # as planes
    # 0 (no cache programming) to a few pages of the next wordline
    "program_cache_pages": FieldType("int", True, positive=False, span=(0, 16)),
    # the die has a cache register per plane and the controller reads through it (ONFI Read Cache, 31h)
    "cache_read": FieldType("bool", True),
    "read_power": FieldType("power", True, span=DIE_POWER),
    "program_power": FieldType("power", span=DIE_POWER),  # default: the calibrated shared value
    "erase_power": FieldType("power", True, span=DIE_POWER),
    # 10-100 uA at 3.3 V is 33-330 uW (ONFI ISB, SimpleSSD); 100 mW is 300x the highest
    "standby_power": FieldType("power", True, positive=False, span=(0.0, 0.1)),
    # ASSUMPTION: 0.1-100 pJ/bit around the 3 pJ/bit assumed (no absolute figure is published)
    "io_energy": FieldType("energy_per_byte", True, span=(0.1 * pJ * 8, 100 * pJ * 8)),
    # bus time per command: MQSim's 290 ns; 10 us is 30x that
    "command_time": FieldType("time", True, positive=False, span=(0.0, 10e-6)),
    # QLC 500-1,500 to SLC 50-100 K P/E cycles (ssd_modeling.md §3.6); 100 and 1 M a decade beyond
    "pe_cycles": FieldType("number", span=(100.0, 1e6)),
}

CONTROLLER_FIELDS: dict[str, FieldType] = {
    "vendor": FieldType("str", True),
    "name": FieldType("str", True),
    "link": FieldType("choice", choices=LINK_FAMILIES),
    "gen": FieldType("int", choices=_GENS),  # PCIe controllers: required; UFS: refused
    "gear": FieldType("int", choices=_GEARS),  # UFS controllers: required; PCIe: refused
    "lanes": FieldType("int", choices=_ANY_LANES),
    "channels": FieldType("int", True, span=CHANNELS),
    "max_channel_rate": FieldType("rate", True, span=NAND_RATE),
    "iops_limit": FieldType("frequency", span=IOPS),
    "bandwidth_limit": FieldType("bandwidth", span=BANDWIDTH),
    "active_power": FieldType("power", True, span=CONTROLLER_POWER),
    "idle_power": FieldType("power", positive=False, span=(0.0, CONTROLLER_POWER[1])),  # never above active_power
    # 6-28 nm in the catalogue; 250 nm is a 1990s process
    "process_nm": FieldType("number", span=(1.0, 250.0)),
    # command handling and FTL work on a QD1 read / buffered write (linkmodel.ssd.hostpath.HostPath): 2-16 us
    # plausible (controllers.toml); 0 (all in hardware) to 1 ms, above any published QD1 write
    "firmware_read": FieldType("time", positive=False, span=(0.0, 1e-3)),
    "firmware_write": FieldType("time", positive=False, span=(0.0, 1e-3)),
}
