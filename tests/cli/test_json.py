"""JSON output: +inf is null ("no limit"); NaN and -inf are never printed, as numbers or as null."""

import math

import numpy as np
import pytest

from linkmodel.cli._common import jsonable


def test_inf_is_no_limit():
    assert jsonable({"ceiling": math.inf, "x": np.float64(2.0)}) == {"ceiling": None, "x": 2.0}


@pytest.mark.parametrize("bad", [math.nan, -math.inf, np.float64("nan")])
def test_nan_is_an_error_naming_where(bad):
    with pytest.raises(ValueError, match=r"^\$\.per_direction\.upstream\[1\]: the model gave"):
        jsonable({"per_direction": {"upstream": [1.0, bad]}})
