"""``python -m linkmodel.studies.calibrate``: see :mod:`linkmodel.studies.calibrate_run`."""

from linkmodel.studies.calibrate_run import main

__all__ = ["main"]

if __name__ == "__main__":  # pragma: no cover
    main()
