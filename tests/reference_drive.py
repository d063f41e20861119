"""The hand-checkable reference drive several test modules share.

Gen6 x16, 8 channels at 1.6 GT/s, 32 dies of 4 planes x 16 KiB TLC, tR 50 us,
tPROG 1 ms, tBERS 4 ms, no energies but a 5 W controller under a 25 W cap:
round numbers so that each test can derive its expectation by hand.
"""

import numpy as np

BASE = dict(
    gen=6,
    lanes=16,
    mps=512,
    mrrs=512,
    channels=8,
    channel_rate=1.6e9,
    dies=32,
    planes=4,
    page_size=16384,
    spare_fraction=0.1,
    bits_per_cell=3,
    t_read=50e-6,
    t_prog=1e-3,
    t_erase=4e-3,
    block_pages=1536,
    t_read_slc=25e-6,
    t_prog_slc=250e-6,
    slc_fraction=0.0,
    independent_plane_reads=4,
    program_cache_pages=3,
    cache_read=1.0,
    command_time=0.0,
    read_power=0.0,
    program_power=0.0,
    erase_power=0.0,
    standby_power=0.0,
    io_energy=0.0,
    controller_iops=np.inf,
    controller_bandwidth=np.inf,
    controller_power=5.0,
    controller_energy=0.0,
    command_energy=0.0,
    dram_power=0.0,
    phy_power=0.0,
    power_cap=25.0,
    user_capacity=1e12,
    raw_capacity=1.28e12,
    reserve_fraction=0.0,
    indirection_unit=4096,
    link_family=0.0,  # PCIe (the field's default)
    mapping_cache=np.inf,  # the whole mapping table held (the field's default)
    read_span=np.inf,  # reads over the whole drive (the field's default)
)
