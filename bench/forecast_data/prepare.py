"""Rebuild the real weekly tables in this folder from the public repositories they come from (see SOURCES.md).

    python bench/forecast_data/prepare.py --mirrors /work/.mirror

Each source is a bare git snapshot `<mirrors>/<owner>+<name>/repo` at the commit SOURCES.md records (read with
`git show <commit>:<path>`). The R data files of bayesm are read with the `rdata` package (requirements-bench.txt).
Nothing is fitted or smoothed here: the only changes are the ones SOURCES.md lists (a date column from the
Dominick's week number, and the store-level orange-juice panel summed up to the chain).
"""

from __future__ import annotations

import argparse
import subprocess
from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
BRAND_C = ("Pmei0617+Marketing-Mix-Modeling", "c977ccb441635a078f330d19fff369f8eb6ef556", "MMM regression dataset.csv")
BAYESM = ("cran+bayesm", "aa87c96e5c4c1ad25e4a14deb7a0c8ebed97eb0e")
DOMINICKS_WEEK1 = pd.Timestamp("1989-09-14")  # Dominick's week 1 is the week of Thursday 14 September 1989
OJ_BRANDS = {1: "tropicana_premium_64oz", 5: "minute_maid_64oz", 10: "dominicks_64oz"}  # bayesm price column numbers


def git_show(mirrors: Path, repo: str, commit: str, path: str) -> bytes:
    return subprocess.run(
        ["git", "--git-dir", str(mirrors / repo / "repo"), "show", f"{commit}:{path}"], check=True, capture_output=True
    ).stdout


def read_rda(blob: bytes, name: str):
    try:
        import rdata
    except ImportError as missing:
        raise SystemExit("reading the .rda files needs the rdata package: pip install -r requirements-bench.txt") from missing
    return rdata.conversion.convert(rdata.parser.parse_data(blob))[name]


def dominicks_week_start(week: pd.Series) -> pd.Series:
    return (DOMINICKS_WEEK1 + pd.to_timedelta((week.astype(int) - 1) * 7, unit="D")).dt.strftime("%Y-%m-%d")


def brand_c(mirrors: Path) -> None:
    """The MMA Brand C table, byte for byte."""
    repo, commit, path = BRAND_C
    (HERE / "brand_c_mma.csv").write_bytes(git_show(mirrors, repo, commit, path))


def tuna(mirrors: Path) -> None:
    """bayesm's chain-level canned-tuna table, with the week's start date added."""
    frame = read_rda(git_show(mirrors, *BAYESM, "data/tuna.rda"), "tuna").reset_index(drop=True)
    frame.insert(1, "week_start", dominicks_week_start(frame["WEEK"]))
    frame["WEEK"] = frame["WEEK"].astype(int)
    for col in [c for c in frame if c.startswith("MOVE")]:
        frame[col] = frame[col].astype(int)
    frame.to_csv(HERE / "tuna_dominicks.csv", index=False, float_format="%.6f")


def orange_juice(mirrors: Path) -> None:
    """bayesm's store-level orange-juice panel (83 stores) as one chain-level row per brand and week: mean units per
    reporting store, the share of those stores running a feature ad or an in-store coupon, the mean shelf price per
    ounce of the brand and of the two others kept."""
    yx = read_rda(git_show(mirrors, *BAYESM, "data/orangeJuice.rda"), "orangeJuice")["yx"]
    yx = yx.assign(units=np.exp(yx["logmove"]), week=yx["week"].astype(int), store=yx["store"].astype(int))
    rows = []
    for number, name in OJ_BRANDS.items():
        own = yx.loc[yx["brand"].astype(int) == number]
        weekly = own.groupby("week").agg(
            units_per_store=("units", "mean"),
            stores=("store", "nunique"),
            feat_share=("feat", "mean"),
            deal_share=("deal", "mean"),
            price_per_oz=(f"price{number}", "mean"),
        )
        for other, other_name in OJ_BRANDS.items():
            if other != number:
                weekly[f"price_{other_name}"] = own.groupby("week")[f"price{other}"].mean()
        weekly = weekly.reset_index()
        weekly.insert(0, "brand", name)
        rows.append(weekly)
    out = pd.concat(rows, ignore_index=True)
    out.insert(2, "week_start", dominicks_week_start(out["week"]))
    cols = ["brand", "week", "week_start", "units_per_store", "stores", "feat_share", "deal_share", "price_per_oz"]
    competitor = sorted(c for c in out if c.startswith("price_") and c != "price_per_oz")
    out[cols + competitor].to_csv(HERE / "oj_dominicks.csv", index=False, float_format="%.6f")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--mirrors", type=Path, default=Path("/work/.mirror"), help="folder of fetched snapshots")
    args = parser.parse_args()
    brand_c(args.mirrors)
    tuna(args.mirrors)
    orange_juice(args.mirrors)
    for name in ("brand_c_mma.csv", "tuna_dominicks.csv", "oj_dominicks.csv"):
        frame = pd.read_csv(HERE / name)
        print(f"{name}: {len(frame)} rows, {frame.shape[1]} columns, {(HERE / name).stat().st_size} bytes")


if __name__ == "__main__":
    main()
