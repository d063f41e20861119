"""SSD back-end models: NAND dies and channels, write amplification, power,
and the end-to-end drive model (:mod:`linkmodel.ssd.drive`)."""
