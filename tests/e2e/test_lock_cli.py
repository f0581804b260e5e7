"""`ecommerce_testing.py optimise --lock`: contracted channels keep their amount in the split, to the unit."""

import pandas as pd
import pytest

from gmvplanner import cli


def test_optimise_keeps_locked_channels_exactly(trained_mmm, tmp_path, capsys):
    out = tmp_path / "split.csv"
    argv = ["optimise", "--artifacts", str(trained_mmm), "--budget", "2.5", "--weeks", "13"]
    assert cli.testing_main([*argv, "--lock", "TV=0.4,Radio=0.05", "--out", str(out)]) == 0
    split = pd.read_csv(out).set_index("channel")["recommended_crore"]
    assert split["TV"] == 0.4 and split["Radio"] == 0.05
    assert split.sum() == pytest.approx(2.5, rel=1e-12)
    capsys.readouterr()
    assert cli.testing_main([*argv, "--lock", "TV=2,SEM=1"]) == 2
    assert "--lock: the locked channels add up to 3 crore ₹, more than the budget 2.5" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        cli.testing_main([*argv, "--lock", "TV"])
    assert "'TV' is not CHANNEL=AMOUNT" in capsys.readouterr().err
