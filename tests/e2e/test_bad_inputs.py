"""The input contract, table-driven: every bad input exits 2 with one line naming what is wrong, and the
artifacts stay byte-identical.

Each case builds its files (small hand-written ones, or the small data set with one fault), runs the real CLI
entry function in-process (`ecommerce_training.py` and `ecommerce_testing.py` call exactly these), and checks
the exit code, that stderr is one `error:` line holding the expected words, and that the artifacts folder it
pointed at is unchanged. (`tests/e2e/test_cli.py` runs the scripts as subprocesses.)
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from gmvplanner import cli
from gmvplanner.library import close_library

from ..helpers import snapshot

ORDER_HEADER = (
    "fsn_id,order_date,Year,Month,order_id,order_item_id,gmv,units,deliverybdays,deliverycdays,"
    "s1_fact.order_payment_type,sla,cust_id,pincode,product_analytic_super_category,product_analytic_category,"
    "product_analytic_sub_category,product_analytic_vertical,product_mrp,product_procurement_sla"
)


def order_line(date: str = "2015-10-17 15:11:54", gmv: str = "6400", sub: str = "CameraAccessory", item: int = 1) -> str:
    return f"ACCX,{date},2015,10,{item},{item},{gmv},1,\\N,\\N,COD,5,-1,-7,CE,CameraAccessory,{sub},CameraTripod,7190,0"


@dataclass
class Env:
    """What a case may use: a scratch folder, the small data set, and artifacts that must not change."""

    tmp: Path
    data: dict[str, Path]
    art: Path

    def write(self, name: str, text: str) -> Path:
        path = self.tmp / name
        path.write_text(text)
        return path

    def lines(self, role: str) -> list[str]:
        return self.data[role].read_text().splitlines()

    def edited(self, role: str, name: str, edit: Callable[[list[str]], list[str]]) -> Path:
        """A copy of one of the data set's files with its lines edited."""
        return self.write(name, "\n".join(edit(self.lines(role))) + "\n")

    def train(self, **files: Path | str) -> list[str]:
        """Training argv on the small data set, with some files replaced and extra options."""
        paths = {
            "orders": self.data["orders"],
            "media": self.data["media"],
            "sale-calendar": self.data["sales"],
            "nps": self.data["nps"],
            "holidays": self.data["holidays"],
        }
        extra = files.pop("extra", [])
        paths.update({k.replace("_", "-"): v for k, v in files.items()})
        argv = [a for key, value in paths.items() for a in (f"--{key}", str(value))]
        return [*argv, "--artifacts", str(self.art), "--quiet", "--trees", "10", *extra]

    def predict(self, scenario: Path, *extra: str) -> list[str]:
        out = self.tmp / "pred.csv"
        return ["predict", "--artifacts", str(self.art), "--scenario", str(scenario), "--out", str(out), "--quiet", *extra]

    def optimize(self, *extra: str) -> list[str]:
        return ["optimize", "--artifacts", str(self.art), "--quiet", *extra]

    def scenario(self, edit: Callable[[pd.DataFrame], pd.DataFrame] = lambda f: f, name: str = "scenario.csv") -> Path:
        channels = json.loads((self.art / "manifest.json").read_text())["channels"]
        frame = pd.DataFrame({"week_start": pd.date_range("2016-07-04", periods=4, freq="7D").strftime("%Y-%m-%d")})
        for c in channels:
            frame[c] = 0.05
        path = self.tmp / name
        edit(frame).to_csv(path, index=False)
        return path


def _media_spend(lines: list[str], value: str) -> list[str]:
    cells = lines[2].split(",")
    cells[3] = value
    return [lines[0], lines[1], ",".join(cells), *lines[3:]]


def _parquet_orders(env: Env, column: str, values: pa.Array) -> Path:
    """Three valid order rows as Parquet, with `column` replaced by `values`."""
    cells = order_line().split(",")
    table = pa.table({name: pa.array([cell] * 3) for name, cell in zip(ORDER_HEADER.split(","), cells)})
    table = table.set_column(table.column_names.index(column), column, values)
    path = env.tmp / "orders.parquet"
    pq.write_table(table, path)
    return path


LIFT_HEADER = "channel,start,end,delta_spend,delta_gmv,sigma"
GMV_GONE = ["", "\\N", "-5"]  # two order lines with missing GMV, one with negative GMV
BIG = "x" * 140_000  # a cell beyond Python's csv field limit (131,072 characters)


def _unclosed_quote_in_row_3(text: str, repeats: int) -> str:
    """A scenario CSV whose row 3 opens a quote that is never closed, followed by `repeats` copies of row 2."""
    lines = text.splitlines()
    return "\n".join([lines[0], lines[1], lines[2].replace(",", ',"', 1), *[lines[1]] * repeats]) + "\n"


def _mixed_lake(env: Env, odd: str) -> Path:
    """A folder of orders: a.parquet (three valid rows) and `odd`, a CSV of the same rows."""
    lake = env.tmp / "lake"
    lake.mkdir()
    _parquet_orders(env, "gmv", pa.array(["6400"] * 3)).rename(lake / "a.parquet")
    (lake / odd).write_text(f"{ORDER_HEADER}\n{order_line()}\n")
    return lake


def _utf16(env: Env, name: str, text: str) -> Path:
    """`text` saved as Excel's "Unicode text" saves it: UTF-16 with a byte-order mark."""
    path = env.tmp / name
    path.write_bytes(text.encode("utf-16"))
    return path


def _weekly(env: Env, edit: Callable[[pd.DataFrame], pd.DataFrame] = lambda f: f) -> Path:
    weeks = pd.date_range("2014-01-06", periods=60, freq="7D")
    frame = pd.DataFrame({"week_start": weeks.strftime("%Y-%m-%d"), "gmv": 100.0, "tv": 1.0, "sem": 2.0})
    path = env.tmp / "weekly.csv"
    edit(frame).to_csv(path, index=False)
    return path


# (id, entry, argv builder, words the one-line error must hold)
TRAIN, TEST = "train", "test"
CASES: list[tuple[str, str, Callable[[Env], list[str]], str]] = [
    # --- orders file
    ("orders missing", TRAIN, lambda e: e.train(orders=e.tmp / "nope.csv"), "file not found"),
    ("orders is a folder", TRAIN, lambda e: e.train(orders=e.tmp), "is a folder"),
    ("orders empty", TRAIN, lambda e: e.train(orders=e.write("o.csv", "")), "file is empty"),
    ("orders header only", TRAIN, lambda e: e.train(orders=e.write("o.csv", ORDER_HEADER + "\n")), "no data rows"),
    ("orders binary", TRAIN, lambda e: e.train(orders=e.write("o.csv", "a\x00b\x00")), "binary data"),
    ("orders one column", TRAIN, lambda e: e.train(orders=e.write("o.csv", "gmv\n1\n")), "1 column(s)"),
    (
        "orders without gmv",
        TRAIN,
        lambda e: e.train(orders=e.write("o.csv", ORDER_HEADER.replace(",gmv,", ",gmvx,") + "\n" + order_line() + "\n")),
        "column 'gmv' missing",
    ),
    (
        "orders duplicate column",
        TRAIN,
        lambda e: e.train(orders=e.write("o.csv", ORDER_HEADER + ",gmv\n" + order_line() + ",1\n")),
        "column 'gmv' appears twice",
    ),
    (
        "orders ragged row",
        TRAIN,
        lambda e: e.train(orders=e.write("o.csv", f"{ORDER_HEADER}\n{order_line()}\n{order_line()},extra\n")),
        "row 3: 21 cells where the header has 20",
    ),
    (
        "orders unclosed quote",
        TRAIN,
        lambda e: e.train(orders=e.write("o.csv", f'{ORDER_HEADER}\n{order_line()}\n"ACCX,{order_line()[5:]}\n{order_line()}\n')),
        "quote",
    ),
    (
        "orders impossible date",
        TRAIN,
        lambda e: e.train(orders=e.write("o.csv", f"{ORDER_HEADER}\n{order_line()}\n{order_line('2015-02-30 10:00:00')}\n")),
        "row 3, column 'order_date': cannot read date '2015-02-30 10:00:00'",
    ),
    (
        "orders date as words",
        TRAIN,
        lambda e: e.train(orders=e.write("o.csv", f"{ORDER_HEADER}\n{order_line('yesterday')}\n")),
        "cannot read date 'yesterday'",
    ),
    (
        "orders date in year 9999",
        TRAIN,
        lambda e: e.train(orders=e.write("o.csv", f"{ORDER_HEADER}\n{order_line('9999-01-01 00:00:00')}\n")),
        "outside 1900-01-01 to ",
    ),
    (  # history may not lie past today plus the plan horizon: 2090 for 2019 is a typing error
        "orders date in 2090",
        TRAIN,
        lambda e: e.train(orders=e.write("o.csv", f"{ORDER_HEADER}\n{order_line('2090-01-01 00:00:00')}\n")),
        "date 2090-01-01 00:00:00 is outside 1900-01-01 to ",
    ),
    (
        "orders gmv text",
        TRAIN,
        lambda e: e.train(orders=e.write("o.csv", f"{ORDER_HEADER}\n{order_line()}\n{order_line(gmv='abc')}\n")),
        "row 3, column 'gmv': cannot read number 'abc'",
    ),
    (
        "orders blank lines keep row numbers",
        TRAIN,
        lambda e: e.train(orders=e.write("o.csv", f"{ORDER_HEADER}\n{order_line()}\n\n\n{order_line(gmv='abc')}\n")),
        "row 5, column 'gmv'",
    ),
    (
        "orders in a single week",
        TRAIN,
        lambda e: e.train(
            orders=e.write(
                "o.csv",
                ORDER_HEADER
                + "\n"
                + "\n".join(
                    order_line(item=i, sub=s) for i, s in enumerate(["CameraAccessory", "HomeAudio", "GamingAccessory"] * 3)
                )
                + "\n",
            )
        ),
        "1 week(s); with 8 held out at least 20 must remain",
    ),
    (
        "orders without a subcategory asked for",
        TRAIN,
        lambda e: e.train(orders=e.write("o.csv", f"{ORDER_HEADER}\n{order_line()}\n"), extra=["--subcategories", "Nope"]),
        "subcategory 'Nope' has no valid orders",
    ),
    (
        "orders all outside the window",
        TRAIN,
        lambda e: e.train(orders=e.write("o.csv", f"{ORDER_HEADER}\n{order_line('2010-01-01 00:00:00')}\n")),
        "cover no days in common",
    ),
    (
        "orders parquet with integer dates",
        TRAIN,
        lambda e: e.train(orders=_parquet_orders(e, "order_date", pa.array([1, 2, 3]))),
        "column 'order_date': cannot read date '1'",
    ),
    (
        "orders parquet with true/false gmv",
        TRAIN,
        lambda e: e.train(orders=_parquet_orders(e, "gmv", pa.array([True, False, True]))),
        "column 'gmv': cannot read number 'true'",
    ),
    (
        "orders with every GMV blank",
        TRAIN,
        lambda e: e.train(orders=e.write("o.csv", ORDER_HEADER + "\n" + "\n".join(order_line(gmv="", item=i) for i in range(5)))),
        "o.csv: every one of the 5 order rows was dropped for missing GMV",
    ),
    (
        "orders with no GMV left for two reasons",
        TRAIN,
        lambda e: e.train(
            orders=e.write("o.csv", "\n".join([ORDER_HEADER, *(order_line(gmv=g, item=i) for i, g in enumerate(GMV_GONE))]))
        ),
        "of 3 order rows read, dropped missing GMV: 2; negative GMV: 1",
    ),
    (
        "orders folder mixing parquet and a csv named .parquet",
        TRAIN,
        lambda e: e.train(orders=_mixed_lake(e, "b.parquet")),
        "b.parquet: is named .parquet but is not a Parquet file",
    ),
    (
        "orders glob mixing parquet and csv",
        TRAIN,
        lambda e: e.train(orders=f"{_mixed_lake(e, 'b.csv')}/*"),
        "b.csv: is a csv file among parquet files",
    ),
    (
        "orders csv named .parquet",
        TRAIN,
        lambda e: e.train(orders=e.write("o.parquet", f"{ORDER_HEADER}\n{order_line()}\n")),
        "o.parquet: is named .parquet but is not a Parquet file",
    ),
    ("orders damaged parquet", TRAIN, lambda e: e.train(orders=e.write("o.parquet", "PAR1garbage")), "not a readable Parquet"),
    # --- media file
    ("media missing", TRAIN, lambda e: e.train(media=e.tmp / "nope.csv"), "file not found"),
    ("media is the orders file", TRAIN, lambda e: e.train(media=e.data["orders"]), "looks like an orders file"),
    (
        "media negative spend",
        TRAIN,
        lambda e: e.train(media=e.edited("media", "m.csv", lambda x: _media_spend(x, "-1"))),
        "negative spend",
    ),
    (
        "media infinite spend",
        TRAIN,
        lambda e: e.train(media=e.edited("media", "m.csv", lambda x: _media_spend(x, "inf"))),
        "not a finite number",
    ),
    (
        "media absurd spend",
        TRAIN,
        lambda e: e.train(media=e.edited("media", "m.csv", lambda x: _media_spend(x, "1e20"))),
        "above the largest plausible value",
    ),
    (
        "media text spend",
        TRAIN,
        lambda e: e.train(media=e.edited("media", "m.csv", lambda x: _media_spend(x, "lots"))),
        "cannot read number 'lots'",
    ),
    ("media month twice", TRAIN, lambda e: e.train(media=e.edited("media", "m.csv", lambda x: [*x, x[1]])), "appears twice"),
    (
        "media month 13",
        TRAIN,
        lambda e: e.train(media=e.edited("media", "m.csv", lambda x: [x[0], "2014,13" + x[1][6:], *x[2:]])),
        "not a valid month",
    ),
    (
        "media year text",
        TRAIN,
        lambda e: e.train(media=e.edited("media", "m.csv", lambda x: [x[0], "abcd" + x[1][4:], *x[2:]])),
        "cannot read number 'abcd'",
    ),
    ("media without channels", TRAIN, lambda e: e.train(media=e.write("m.csv", "Year,Month\n2014,7\n")), "no channel columns"),
    (
        "media duplicate channel",
        TRAIN,
        lambda e: e.train(media=e.edited("media", "m.csv", lambda x: [x[0] + ",TV"] + [r + ",1" for r in x[1:]])),
        "column 'TV' appears twice",
    ),
    (
        "media unnamed column with values",
        TRAIN,
        lambda e: e.train(media=e.edited("media", "m.csv", lambda x: [x[0] + ","] + [r + ",1" for r in x[1:]])),
        "has no name in the header but holds values",
    ),
    (
        "media neither monthly nor dated",
        TRAIN,
        lambda e: e.train(media=e.write("m.csv", "when,TV\n1,2\n")),
        "needs 'Year' and 'Month'",
    ),
    (
        "media dated out of order",
        TRAIN,
        lambda e: e.train(media=e.write("m.csv", "date,TV,SEM\n2015-01-12,1,1\n2015-01-05,1,1\n")),
        "increasing order",
    ),
    (
        "media dated impossible date",
        TRAIN,
        lambda e: e.train(media=e.write("m.csv", "date,TV,SEM\n2015-02-30,1,1\n")),
        "cannot read date '2015-02-30'",
    ),
    (
        "media ragged row",
        TRAIN,
        lambda e: e.train(media=e.edited("media", "m.csv", lambda x: [x[0], x[1] + ",9,9", *x[2:]])),
        "cells where the header has",
    ),
    # --- calendars
    (
        "sale calendar bad date",
        TRAIN,
        lambda e: e.train(sale_calendar=e.write("s.csv", "Date,Sales Name\n13/45/2015,x\n")),
        "cannot read date '13/45/2015'",
    ),
    (
        "sale calendar missing column",
        TRAIN,
        lambda e: e.train(sale_calendar=e.write("s.csv", "Date,Sale\n7/28/2014,x\n")),
        "column 'Sales Name' missing",
    ),
    (
        "holidays impossible date",
        TRAIN,
        lambda e: e.train(holidays=e.write("h.csv", "Date,Holiday\n2/30/2015,x\n")),
        "cannot read date '2/30/2015'",
    ),
    (
        "nps twice in a month",
        TRAIN,
        lambda e: e.train(nps=e.edited("nps", "n.csv", lambda x: [*x, x[1].replace(x[1].split(",")[1], "40")])),
        "a second NPS for",
    ),
    (
        "nps out of range",
        TRAIN,
        lambda e: e.train(nps=e.edited("nps", "n.csv", lambda x: [x[0], x[1].split(",")[0] + ",500", *x[2:]])),
        "above the largest plausible value 100",
    ),
    (
        "nps text",
        TRAIN,
        lambda e: e.train(nps=e.edited("nps", "n.csv", lambda x: [x[0], x[1].split(",")[0] + ",good", *x[2:]])),
        "cannot read number 'good'",
    ),
    (
        "nps infinite",
        TRAIN,
        lambda e: e.train(nps=e.edited("nps", "n.csv", lambda x: [x[0], x[1].split(",")[0] + ",inf", *x[2:]])),
        "not a finite number",
    ),
    # --- training options
    ("spark master without spark", TRAIN, lambda e: e.train(extra=["--spark-master", "local[2]"]), "--spark-master goes with"),
    ("unknown engine", TRAIN, lambda e: e.train(extra=["--engine", "pandas"]), "invalid choice: 'pandas'"),
    ("seed negative", TRAIN, lambda e: e.train(extra=["--seed", "-1"]), "argument --seed"),
    ("trees zero", TRAIN, lambda e: e.train(extra=["--trees", "0"]), "argument --trees"),
    ("trees text", TRAIN, lambda e: e.train(extra=["--trees", "many"]), "expected a whole number, got 'many'"),
    ("holdout zero", TRAIN, lambda e: e.train(extra=["--holdout-weeks", "0"]), "argument --holdout-weeks"),
    ("holdout too long", TRAIN, lambda e: e.train(extra=["--holdout-weeks", "100"]), "at least 20 must remain"),
    ("pooling nan", TRAIN, lambda e: e.train(extra=["--pooling", "nan"]), "argument --pooling"),
    ("pooling negative", TRAIN, lambda e: e.train(extra=["--pooling", "-1"]), "argument --pooling"),
    ("pooling infinite", TRAIN, lambda e: e.train(extra=["--pooling", "inf"]), "argument --pooling"),
    ("unknown model", TRAIN, lambda e: e.train(extra=["--model", "xgb"]), "unknown model 'xgb'"),
    ("start impossible", TRAIN, lambda e: e.train(extra=["--start", "2015-02-30"]), "--start: cannot read date '2015-02-30'"),
    ("start in 2300", TRAIN, lambda e: e.train(extra=["--start", "2300-01-01"]), "date 2300-01-01 is outside 1900-01-01 to 2100"),
    ("end in 1899", TRAIN, lambda e: e.train(extra=["--end", "1899-12-31"]), "argument --end: date 1899-12-31 is outside"),
    ("end before start", TRAIN, lambda e: e.train(extra=["--start", "2016-01-01", "--end", "2015-01-01"]), "is before start"),
    (  # orders alone train since issue 26 (forecasts without channels); a media file alone is still refused
        "media without orders",
        TRAIN,
        lambda e: ["--media", str(e.data["media"]), "--artifacts", str(e.art), "--quiet"],
        "--media goes with --orders",
    ),
    ("mapping names a missing column", TRAIN, lambda e: e.train(extra=["--columns", "order_date=Date,gmv=gmv"]), "column 'Date'"),
    ("a column given two roles", TRAIN, lambda e: e.train(extra=["--columns", "order_date=gmv,gmv=gmv"]), "given two roles"),
    (
        "artifacts is a file",
        TRAIN,
        lambda e: [*e.train()[:-7], "--artifacts", str(e.write("f.txt", "x")), "--quiet"],
        "is a file, not a folder",
    ),
    (
        "artifacts folder of other files",
        TRAIN,
        lambda e: (
            [*e.train()[:-7], "--artifacts", str(e.write("mine/notes.txt", "x").parent), "--quiet"]
            if (e.tmp / "mine").mkdir() is None
            else []
        ),
        "holds files that are not GMV Planner artifacts",
    ),
    (
        "subcategory named twice",
        TRAIN,
        lambda e: e.train(extra=["--subcategories", "CameraAccessory,CameraAccessory"]),
        "argument --subcategories: subcategory 'CameraAccessory' is named twice",
    ),
    ("no subcategories", TRAIN, lambda e: e.train(extra=["--subcategories", ","]), "give at least one subcategory"),
    (
        "transforms with the forest",
        TRAIN,
        lambda e: e.train(extra=["--model", "forest", "--transforms", "t.csv"]),
        "does not apply to --model forest",
    ),
    (
        "weekly with orders",
        TRAIN,
        lambda e: [*e.train(), "--weekly", "w.csv", "--channels", "tv"],
        "--weekly replaces --orders/--media",
    ),
    (
        "weekly without channels",
        TRAIN,
        lambda e: ["--weekly", str(_weekly(e)), "--artifacts", str(e.art), "--quiet"],
        "--weekly needs --channels",
    ),
    (
        "weekly channel named twice",
        TRAIN,
        lambda e: ["--weekly", str(_weekly(e)), "--channels", "tv,tv", "--artifacts", str(e.art), "--quiet"],
        "'tv' is named twice",
    ),
    (
        "weekly target among channels",
        TRAIN,
        lambda e: ["--weekly", str(_weekly(e)), "--channels", "tv,gmv", "--artifacts", str(e.art), "--quiet"],
        "given to both --target and --channels",
    ),
    (
        "weekly missing target",
        TRAIN,
        lambda e: ["--weekly", str(_weekly(e)), "--channels", "tv", "--target", "sales", "--artifacts", str(e.art), "--quiet"],
        "column 'sales' missing",
    ),
    (
        "weekly missing channel",
        TRAIN,
        lambda e: ["--weekly", str(_weekly(e)), "--channels", "tv,radio", "--artifacts", str(e.art), "--quiet"],
        "column 'radio' missing",
    ),
    (
        "weekly negative spend",
        TRAIN,
        lambda e: [
            "--weekly",
            str(_weekly(e, lambda f: f.assign(tv=-1.0))),
            "--channels",
            "tv",
            "--artifacts",
            str(e.art),
            "--quiet",
        ],
        "negative spend",
    ),
    (
        "weekly infinite target",
        TRAIN,
        lambda e: [
            "--weekly",
            str(_weekly(e, lambda f: f.assign(gmv=float("inf")))),
            "--channels",
            "tv",
            "--artifacts",
            str(e.art),
            "--quiet",
        ],
        "not a finite number",
    ),
    (
        "weekly duplicate week",
        TRAIN,
        lambda e: [
            "--weekly",
            str(_weekly(e, lambda f: pd.concat([f, f.iloc[[3]]]))),
            "--channels",
            "tv",
            "--artifacts",
            str(e.art),
            "--quiet",
        ],
        "week",
    ),
    (
        "weekly date text",
        TRAIN,
        lambda e: [
            "--weekly",
            str(_weekly(e, lambda f: f.assign(week_start="soon"))),
            "--channels",
            "tv",
            "--artifacts",
            str(e.art),
            "--quiet",
        ],
        "cannot read date 'soon'",
    ),
    (
        "transforms decay 1.5",
        TRAIN,
        lambda e: e.train(transforms=e.write("t.csv", "channel,decay,half_saturation_multiple\nTV,1.5,1\n")),
        "decay",
    ),
    (
        "transforms unknown channel",
        TRAIN,
        lambda e: e.train(transforms=e.write("t.csv", "channel,decay,half_saturation_multiple\nTelly,0.5,1\n")),
        "Telly",
    ),
    (
        "transforms text",
        TRAIN,
        lambda e: e.train(transforms=e.write("t.csv", "channel,decay,half_saturation_multiple\nTV,half,1\n")),
        "cannot read number 'half'",
    ),
    (
        "lift test ends before it starts",
        TRAIN,
        lambda e: e.train(
            lift_tests=e.write("l.csv", "channel,start,end,delta_spend,delta_gmv,sigma\nSEM,2015-07-26,2015-06-29,0.01,100,10\n")
        ),
        "row 2",
    ),
    (
        "lift test sigma 0",
        TRAIN,
        lambda e: e.train(
            lift_tests=e.write("l.csv", "channel,start,end,delta_spend,delta_gmv,sigma\nSEM,2015-06-29,2015-07-26,0.01,100,0\n")
        ),
        "sigma",
    ),
    (
        "lift test unknown channel",
        TRAIN,
        lambda e: e.train(
            lift_tests=e.write(
                "l.csv", "channel,start,end,delta_spend,delta_gmv,sigma\nPodcasts,2015-06-29,2015-07-26,0.01,100,10\n"
            )
        ),
        "Podcasts",
    ),
    (
        "lift test infinite spend",
        TRAIN,
        lambda e: e.train(
            lift_tests=e.write("l.csv", "channel,start,end,delta_spend,delta_gmv,sigma\nSEM,2015-06-29,2015-07-26,inf,100,10\n")
        ),
        "not a finite number",
    ),
    # --- predict
    ("scenario missing", TEST, lambda e: e.predict(e.tmp / "nope.csv"), "file not found"),
    (
        "scenario missing a channel",
        TEST,
        lambda e: e.predict(e.scenario(lambda f: f.drop(columns=["TV"]))),
        "column 'TV' missing",
    ),
    (
        "scenario misspelt channel",
        TEST,
        lambda e: e.predict(e.scenario(lambda f: f.rename(columns={"SEM": "Sem"}))),
        "'Sem' is not a channel the model knows",
    ),
    (
        "scenario duplicate column",
        TEST,
        lambda e: e.predict(
            e.write("s.csv", e.scenario().read_text().replace("TV,", "TV,TV,", 1).replace("0.05,", "0.05,0.05,", 1))
        ),
        "appears twice",
    ),
    ("scenario infinite spend", TEST, lambda e: e.predict(e.scenario(lambda f: f.assign(TV="inf"))), "not a finite number"),
    (
        "scenario absurd spend",
        TEST,
        lambda e: e.predict(e.scenario(lambda f: f.assign(TV=1e20))),
        "above the largest plausible value",
    ),
    ("scenario negative spend", TEST, lambda e: e.predict(e.scenario(lambda f: f.assign(TV=-1))), "negative spend"),
    ("scenario discount 2", TEST, lambda e: e.predict(e.scenario(lambda f: f.assign(discount=2))), "outside the allowed range"),
    ("scenario sale days 9", TEST, lambda e: e.predict(e.scenario(lambda f: f.assign(sale_days=9))), "outside the allowed range"),
    ("scenario nps infinite", TEST, lambda e: e.predict(e.scenario(lambda f: f.assign(nps="-inf"))), "not a finite number"),
    (
        "scenario impossible week",
        TEST,
        lambda e: e.predict(e.scenario(lambda f: f.assign(week_start=["2016-02-30"] * 4))),
        "cannot read date '2016-02-30'",
    ),
    (
        "scenario unknown subcategory",
        TEST,
        lambda e: e.predict(e.scenario(lambda f: f.assign(subcategory="Phones"))),
        "unknown subcategory 'Phones'",
    ),
    (
        "scenario unknown vertical",
        TEST,
        lambda e: e.predict(e.scenario(lambda f: f.assign(vertical="Drone"))),
        "unknown vertical 'Drone'",
    ),
    (
        "scenario negative vertical weight",
        TEST,
        lambda e: e.predict(e.scenario(lambda f: f.assign(vertical="Lens:-1;Flash:2"))),
        "must be a finite number of 0 or more",
    ),
    (
        "scenario unreadable vertical weight",
        TEST,
        lambda e: e.predict(e.scenario(lambda f: f.assign(vertical="Lens:abc"))),
        "cannot read the weight 'abc'",
    ),
    (
        "scenario vertical weights of zero",
        TEST,
        lambda e: e.predict(e.scenario(lambda f: f.assign(vertical="Lens:0"))),
        "add up to 0",
    ),
    (
        "scenario weeks with a gap",
        TEST,
        lambda e: e.predict(e.scenario(lambda f: f.drop(index=1))),
        "weeks must follow each other",
    ),
    (
        "scenario spend differs in a week",
        TEST,
        lambda e: e.predict(e.scenario(lambda f: pd.concat([f, f.iloc[[0]].assign(TV=0.9)]))),
        "spend differs between rows",
    ),
    ("scenario lever text", TEST, lambda e: e.predict(e.scenario(lambda f: f.assign(sla="fast"))), "cannot read number 'fast'"),
    ("predict out is a folder", TEST, lambda e: [*e.predict(e.scenario())[:-3], "--out", str(e.tmp), "--quiet"], "is a folder"),
    (
        "predict out inside artifacts",
        TEST,
        lambda e: [*e.predict(e.scenario())[:-3], "--out", str(e.art / "manifest.json"), "--quiet"],
        "inside the artifacts folder",
    ),
    (
        "predict no artifacts",
        TEST,
        lambda e: ["predict", "--artifacts", str(e.tmp / "none"), "--scenario", str(e.scenario()), "--out", str(e.tmp / "p.csv")],
        "train first",
    ),
    # --- optimize
    ("budget nan", TEST, lambda e: e.optimize("--budget", "nan", "--weeks", "4"), "argument --budget"),
    ("budget infinite", TEST, lambda e: e.optimize("--budget", "inf", "--weeks", "4"), "argument --budget"),
    ("budget 1e300", TEST, lambda e: e.optimize("--budget", "1e300", "--weeks", "4"), "argument --budget"),
    ("budget negative", TEST, lambda e: e.optimize("--budget", "-1", "--weeks", "4"), "argument --budget"),
    ("budget zero", TEST, lambda e: e.optimize("--budget", "0", "--weeks", "4"), "argument --budget"),
    ("budget text", TEST, lambda e: e.optimize("--budget", "lots", "--weeks", "4"), "expected an amount, got 'lots'"),
    (
        "budget and target roi",
        TEST,
        lambda e: e.optimize("--budget", "1", "--target-roi", "2", "--weeks", "4"),
        "not allowed with argument",
    ),
    ("weeks zero", TEST, lambda e: e.optimize("--budget", "1", "--weeks", "0"), "argument --weeks"),
    (
        "max change negative",
        TEST,
        lambda e: e.optimize("--budget", "1", "--weeks", "4", "--max-change", "-0.1"),
        "argument --max-change",
    ),
    (
        "max change text",
        TEST,
        lambda e: e.optimize("--budget", "1", "--weeks", "4", "--max-change", "some"),
        "expected a fraction such as 0.3",
    ),
    ("target roi nan", TEST, lambda e: e.optimize("--target-roi", "nan", "--weeks", "4"), "argument --target-roi"),
    (
        "risk aversion negative",
        TEST,
        lambda e: e.optimize("--budget", "1", "--weeks", "4", "--risk-aversion", "-1"),
        "argument --risk-aversion",
    ),
    (
        "optimize start impossible",
        TEST,
        lambda e: e.optimize("--budget", "1", "--weeks", "4", "--start", "2016-02-30"),
        "cannot read date '2016-02-30'",
    ),
    (
        "bounds unknown channel",
        TEST,
        lambda e: e.optimize(
            "--budget", "1", "--weeks", "4", "--bounds", str(e.write("b.csv", "channel,min_crore,max_crore\nTelly,0,1\n"))
        ),
        "unknown channel 'Telly'",
    ),
    (
        "bounds channel twice",
        TEST,
        lambda e: e.optimize(
            "--budget", "1", "--weeks", "4", "--bounds", str(e.write("b.csv", "channel,min_crore,max_crore\nTV,0,1\nTV,0,0.5\n"))
        ),
        "a second row for 'TV'",
    ),
    (
        "bounds min above max",
        TEST,
        lambda e: e.optimize(
            "--budget", "1", "--weeks", "4", "--bounds", str(e.write("b.csv", "channel,min_crore,max_crore\nTV,2,1\n"))
        ),
        "not a valid range",
    ),
    (
        "bounds infinite",
        TEST,
        lambda e: e.optimize(
            "--budget", "1", "--weeks", "4", "--bounds", str(e.write("b.csv", "channel,min_crore,max_crore\nTV,0,inf\n"))
        ),
        "not a finite number",
    ),
    (
        "bounds minimums above budget",
        TEST,
        lambda e: e.optimize(
            "--budget",
            "1",
            "--weeks",
            "4",
            "--bounds",
            str(e.write("b.csv", "channel,min_crore,max_crore\nTV,0.8,1\nSEM,0.8,1\n")),
        ),
        "the minimums add up to",
    ),
    (
        "bounds missing column",
        TEST,
        lambda e: e.optimize("--budget", "1", "--weeks", "4", "--bounds", str(e.write("b.csv", "channel,min,max\nTV,0,1\n"))),
        "column 'min_crore' missing",
    ),
    (
        "optimize out inside artifacts",
        TEST,
        lambda e: e.optimize("--budget", "1", "--weeks", "4", "--out", str(e.art / "split.csv")),
        "inside the artifacts folder",
    ),
    ("optimize out is a folder", TEST, lambda e: e.optimize("--budget", "1", "--weeks", "4", "--out", str(e.tmp)), "is a folder"),
    # --- dates outside 1900-2100, as a plan's dates: --start of optimize too, and years pandas cannot hold
    *(
        (
            f"optimize start {day[:4]}",
            TEST,
            lambda e, day=day: e.optimize("--budget", "1", "--weeks", "4", "--start", day),
            f"argument --start: date {day} is outside 1900-01-01 to 2100-12-31",
        )
        for day in ("1899-12-31", "2262-06-01", "2300-01-01")
    ),
    (
        "scenario week in 2300",
        TEST,
        lambda e: e.predict(e.scenario(lambda f: f.assign(week_start=["2016-07-04", "2300-01-06", "2300-01-13", "2300-01-20"]))),
        "row 3, column 'week_start': date 2300-01-06 is outside 1900-01-01 to 2100-12-31",
    ),
    # --- cells beyond Python's csv field limit (131,072 characters), and names too long to show whole
    (
        "orders header cell over the csv limit",
        TRAIN,
        lambda e: e.train(orders=e.write("o.csv", f"{ORDER_HEADER},{BIG}\n{order_line()},1\n")),
        "o.csv row 1: a cell holds more than 131,072 characters",
    ),
    (
        "scenario unclosed quote runs past the csv limit",
        TEST,
        lambda e: e.predict(e.write("s.csv", _unclosed_quote_in_row_3(e.scenario().read_text(), 3000))),
        "s.csv row 3: a cell holds more than 131,072 characters, or a quote opened in this row is never closed",
    ),
    (
        "scenario unclosed quote",
        TEST,
        lambda e: e.predict(e.write("s.csv", _unclosed_quote_in_row_3(e.scenario().read_text(), 3))),
        "s.csv row 3",
    ),
    (
        "scenario column name over the csv limit is shortened",
        TEST,
        lambda e: e.predict(e.scenario(lambda f: f.assign(**{BIG: 1}))),
        f"'{BIG[:60]}...{BIG[-20:]} (140,000 characters)' is not a channel the model knows",
    ),
    (
        "scenario cell over the csv limit is shortened",
        TEST,
        lambda e: e.predict(e.scenario(lambda f: f.assign(TV=BIG))),
        "row 2, column 'TV': cannot read number 'xxxxxxx",
    ),
    # --- a typed NaN is not a blank: refused where it would silently mean 0 or "no bound"
    (
        "media typed NaN spend",
        TRAIN,
        lambda e: e.train(media=e.edited("media", "m.csv", lambda x: _media_spend(x, "NaN"))),
        "row 3, column 'TV': cannot read number 'NaN': not a number",
    ),
    (
        "media typed NULL spend",
        TRAIN,
        lambda e: e.train(media=e.edited("media", "m.csv", lambda x: _media_spend(x, "NULL"))),
        "cannot read number 'NULL': not a number",
    ),
    (
        "scenario typed nan spend",
        TEST,
        lambda e: e.predict(e.scenario(lambda f: f.assign(TV=["0.05", "nan", "0.05", "0.05"]))),
        "row 3, column 'TV': cannot read number 'nan': not a number",
    ),
    (
        "scenario typed NaN lever",
        TEST,
        lambda e: e.predict(e.scenario(lambda f: f.assign(discount="NaN"))),
        "column 'discount': cannot read number 'NaN'",
    ),
    (
        "bounds typed nan",
        TEST,
        lambda e: e.optimize(
            "--budget", "1", "--weeks", "4", "--bounds", str(e.write("b.csv", "channel,min_crore,max_crore\nTV,0,nan\n"))
        ),
        "row 2, column 'max_crore': cannot read number 'nan': not a number",
    ),
    # --- issue 32: the new surfaces (currency, options with NAME=value pairs, lift tests, priors, experiments)
    ("currency not in ISO 4217", TRAIN, lambda e: e.train(extra=["--currency", "XYZ"]), "--currency 'XYZ' is not an ISO 4217"),
    ("currency in umlauts", TRAIN, lambda e: e.train(extra=["--currency", "ÄÖÜ"]), "--currency 'ÄÖÜ' is not an ISO 4217"),
    ("monotone key twice", TRAIN, lambda e: e.train(extra=["--monotone", "sla=-1,sla=1"]), "--monotone: 'sla' is given twice"),
    (
        "margin key twice",
        TEST,
        lambda e: e.optimize("--max-profit", "--weeks", "4", "--margin", "HomeAudio=0.2,HomeAudio=0.3"),
        "--margin: 'HomeAudio' is given twice",
    ),
    (
        "experiments max weeks a million",
        TEST,
        lambda e: ["experiments", "--artifacts", str(e.art), "--max-weeks", "1000000", "--quiet"],
        "argument --max-weeks: must be a finite value from 1 to 52, got 1000000",
    ),
    *(
        (
            f"lift test delta_gmv {value}",
            TRAIN,
            lambda e, value=value: e.train(
                lift_tests=e.write("l.csv", f"{LIFT_HEADER}\nSEM,2015-06-29,2015-07-26,0.01,{value},10\n")
            ),
            f"l.csv row 2, column 'delta_gmv': {words}",
        )
        for value, words in (("1e300", "1e+300 is above the largest plausible value"), ("inf", "'inf' is not a finite number"))
    ),
    (
        "lift test sigma a billionth of delta_gmv",
        TRAIN,
        lambda e: e.train(lift_tests=e.write("l.csv", f"{LIFT_HEADER}\nSEM,2015-06-29,2015-07-26,0.01,1e12,1e-3\n")),
        "l.csv row 2, column 'sigma': sigma 0.001 is below a millionth of delta_gmv",
    ),
    *(
        (
            f"lift test scope column {column}",
            TRAIN,
            lambda e, column=column: e.train(
                lift_tests=e.write("l.csv", f"{LIFT_HEADER},{column}\nSEM,2015-06-29,2015-07-26,0.01,100,10,HomeAudio\n")
            ),
            f"l.csv, column '{column}': column '{column}' is not one this file takes (did you mean 'subcategory'?)",
        )
        for column in ("sub_category", "Subcategory")
    ),
    *(
        (
            f"roi priors scope column {column}",
            TRAIN,
            lambda e, column=column: e.train(
                roi_priors=e.write("p.csv", f"channel,roi_low,roi_high,{column}\nSEM,0.5,2,HomeAudio\n")
            ),
            f"p.csv, column '{column}': column '{column}' is not one this file takes (did you mean 'subcategory'?); its columns",
        )
        for column in ("sub_category", "Subcategory")
    ),
    (
        "lift test row twice",
        TRAIN,
        lambda e: e.train(
            lift_tests=e.write(
                "l.csv",
                f"{LIFT_HEADER}\nSEM,2015-06-29,2015-07-26,0.01,100,10\nTV,2015-06-29,2015-07-26,0.01,100,10\n"
                "SEM,2015-06-29,2015-07-26,0.01,100,10\n",
            )
        ),
        "l.csv row 4: repeats row 2 (the same test would count twice)",
    ),
    (
        "lift test before the data",
        TRAIN,
        lambda e: e.train(lift_tests=e.write("l.csv", f"{LIFT_HEADER}\nSEM,2012-06-04,2012-07-01,0.01,100,10\n")),
        "l.csv row 2, column 'start': the test runs 2012-06-04 to 2012-07-01, outside the data's",
    ),
    *(
        (
            f"date_format {fmt}",
            TRAIN,
            lambda e, fmt=fmt: e.train(extra=["--columns", f"order_date=order_date,gmv=gmv,date_format={fmt}"]),
            f"--columns: date_format '{fmt}' {words}",
        )
        for fmt, words in (("%d/%m/%Q", "is not a strptime format"), ("dd/mm/yyyy", "has no year or month or day"))
    ),
    (
        "columns file date_format",
        TRAIN,
        lambda e: e.train(
            extra=["--columns-file", str(e.write("m.csv", "role,column\norder_date,order_date\ngmv,gmv\ndate_format,%Q\n"))]
        ),
        "m.csv row 4: date_format '%Q' is not a strptime format",
    ),
    (
        "columns file role twice after a comment",
        TRAIN,
        lambda e: e.train(
            extra=["--columns-file", str(e.write("m.csv", "role,column\n# ours\norder_date,order_date\ngmv,gmv\ngmv,units\n"))]
        ),
        "m.csv row 5: role 'gmv' is given twice",
    ),
    (
        "columns file unknown role",
        TRAIN,
        lambda e: e.train(extra=["--columns-file", str(e.write("m.csv", "role,column\norder_date,order_date\namount,gmv\n"))]),
        "m.csv row 3: unknown role 'amount'; the roles are",
    ),
    (
        "columns file without order_date",
        TRAIN,
        lambda e: e.train(extra=["--columns-file", str(e.write("m.csv", "role,column\ngmv,gmv\n"))]),
        "m.csv: the role order_date is required",
    ),
    (
        "orders in UTF-16",
        TRAIN,
        lambda e: e.train(orders=_utf16(e, "o.csv", f"{ORDER_HEADER}\n{order_line()}\n")),
        "o.csv: is UTF-16 text, which is not read here: save it as UTF-8",
    ),
    (
        "media in UTF-16",
        TRAIN,
        lambda e: e.train(media=_utf16(e, "m.csv", e.data["media"].read_text())),
        "m.csv: is UTF-16 text",
    ),
    ("scenario in UTF-16", TEST, lambda e: e.predict(_utf16(e, "s.csv", e.scenario().read_text())), "s.csv: is UTF-16 text"),
    (
        "target roi no budget earns",
        TEST,
        lambda e: e.optimize("--target-roi", "1e9", "--weeks", "4"),
        "--target-roi: no budget from",
    ),
    ("no command", TEST, lambda e: [], "the following arguments are required: command"),
    ("unknown command", TEST, lambda e: ["forecast"], "invalid choice: 'forecast'"),
]


@pytest.fixture(scope="module")
def guarded(tmp_path_factory, trained) -> Path:
    """A copy of trained artifacts that every case points at and none may change."""
    dest = tmp_path_factory.mktemp("guarded") / "artifacts"
    shutil.copytree(trained, dest)
    return dest


def test_there_are_at_least_a_hundred_cases():
    assert len(CASES) >= 100
    assert len({name for name, *_ in CASES}) == len(CASES)


def _call(entry: str, args: list[str]) -> int:
    """Run an entry function; argparse's own errors leave by SystemExit, with the same exit code."""
    try:
        return (cli.training_main if entry == TRAIN else cli.testing_main)(args)
    except SystemExit as exc:
        return int(exc.code)


@pytest.mark.parametrize("name, entry, argv, expected", CASES, ids=[c[0] for c in CASES])
def test_bad_input_exits_2_with_one_line_and_keeps_the_artifacts(
    name, entry, argv, expected, tmp_path, small_data, guarded, capsys
):
    before = snapshot(guarded)
    args = argv(Env(tmp_path, small_data, guarded))
    capsys.readouterr()
    code = _call(entry, args)
    err = capsys.readouterr().err.strip()
    assert code == 2, err
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: "), err
    assert expected in lines[0], lines[0][:1000]
    assert len(lines[0]) < 2000, f"a name or value was not shortened: {lines[0][:300]}..."
    assert "internal error" not in err and "Traceback" not in err
    assert snapshot(guarded) == before


# --- every path argument of every command, through each kind of path a user can get wrong: exit 2 and one line,
# never an internal error. Inputs must exist and be readable files; outputs and artifacts folders may be new.
INPUT_PATHS = ("folder", "missing", "symlink loop", "dangling symlink", "unreadable")
ARTIFACTS_IN = ("empty folder", "missing", "symlink loop", "dangling symlink", "unreadable folder")
ARTIFACTS_OUT = ("symlink loop", "dangling symlink", "unreadable folder", "file")
OUT_PATHS = ("folder", "symlink loop")


def _bad_path(tmp: Path, kind: str) -> Path:
    """A path of `kind` under `tmp`."""
    path = tmp / kind.replace(" ", "_")
    if kind in ("folder", "empty folder"):
        path.mkdir()
    elif kind == "symlink loop":
        (tmp / "loop_b").symlink_to(path)
        path.symlink_to(tmp / "loop_b")
    elif kind == "dangling symlink":
        path.symlink_to(tmp / "gone.csv")
    elif kind in ("unreadable", "file"):
        path.write_text("week_start,TV\n2016-07-04,1\n")
        if kind == "unreadable":
            path.chmod(0)
    elif kind == "unreadable folder":
        path.mkdir()
        path.chmod(0)
    return path


def _weekly_argv(e: Env, path: Path) -> list[str]:
    return ["--weekly", str(path), "--channels", "tv", "--artifacts", str(e.art), "--quiet"]


# (entry, option, argv with that option's path, the kinds of bad path it must refuse)
PATH_ARGUMENTS: list[tuple[str, str, Callable[[Env, Path], list[str]], tuple[str, ...]]] = [
    (TRAIN, "--orders", lambda e, p: e.train(orders=p), INPUT_PATHS),
    (TRAIN, "--media", lambda e, p: e.train(media=p), INPUT_PATHS),
    (TRAIN, "--sale-calendar", lambda e, p: e.train(sale_calendar=p), INPUT_PATHS),
    (TRAIN, "--nps", lambda e, p: e.train(nps=p), INPUT_PATHS),
    (TRAIN, "--holidays", lambda e, p: e.train(holidays=p), INPUT_PATHS),
    (TRAIN, "--transforms", lambda e, p: e.train(transforms=p), INPUT_PATHS),
    (TRAIN, "--lift-tests", lambda e, p: e.train(lift_tests=p), INPUT_PATHS),
    (TRAIN, "--weekly", _weekly_argv, INPUT_PATHS),
    (TRAIN, "--artifacts", lambda e, p: Env(e.tmp, e.data, p).train(), ARTIFACTS_OUT),
    (TRAIN, "--artifacts (weekly)", lambda e, p: _weekly_argv(Env(e.tmp, e.data, p), _weekly(e)), ARTIFACTS_OUT),
    (TEST, "predict --scenario", lambda e, p: e.predict(p), INPUT_PATHS),
    (TEST, "predict --artifacts", lambda e, p: Env(e.tmp, e.data, p).predict(e.scenario()), ARTIFACTS_IN),
    (TEST, "predict --out", lambda e, p: [*e.predict(e.scenario())[:-3], "--out", str(p)], OUT_PATHS),
    (TEST, "optimize --artifacts", lambda e, p: Env(e.tmp, e.data, p).optimize("--budget", "1", "--weeks", "4"), ARTIFACTS_IN),
    (TEST, "optimize --bounds", lambda e, p: e.optimize("--budget", "1", "--weeks", "4", "--bounds", str(p)), INPUT_PATHS),
    (TEST, "optimize --out", lambda e, p: e.optimize("--budget", "1", "--weeks", "4", "--out", str(p)), OUT_PATHS),
    (TEST, "report --artifacts", lambda e, p: ["report", "--artifacts", str(p), "--out", str(e.tmp / "r.html")], ARTIFACTS_IN),
    (TEST, "report --out", lambda e, p: ["report", "--artifacts", str(e.art), "--out", str(p)], OUT_PATHS),
]
PATH_CASES = [(entry, option, argv, kind) for entry, option, argv, kinds in PATH_ARGUMENTS for kind in kinds]


def _refused_in_one_line(entry: str, args: list[str], capsys) -> str:
    """Run the CLI; assert exit 2 with one `error:` line and no traceback; return that line."""
    capsys.readouterr()
    code = _call(entry, args)
    err = capsys.readouterr().err.strip()
    assert code == 2, err
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: "), err
    assert "internal error" not in err and "Traceback" not in err
    return lines[0]


@pytest.mark.parametrize("entry, option, argv, kind", PATH_CASES, ids=[f"{c[1]} {c[3]}" for c in PATH_CASES])
def test_every_path_argument_refuses_a_bad_path_in_plain_words(entry, option, argv, kind, tmp_path, small_data, guarded, capsys):
    if "unreadable" in kind and os.geteuid() == 0:
        pytest.skip("root reads files whatever their permissions")
    before = snapshot(guarded)
    bad = _bad_path(tmp_path, kind)
    try:
        line = _refused_in_one_line(entry, argv(Env(tmp_path, small_data, guarded), bad), capsys)
    finally:
        if "unreadable" in kind:
            bad.chmod(0o700)
    assert bad.name in line or option.split()[-1] in line, line
    assert snapshot(guarded) == before


@pytest.mark.parametrize("kind", ["manifest is a folder", "manifest unreadable"])
def test_a_manifest_that_cannot_be_read_is_refused_in_plain_words(kind, tmp_path, guarded, capsys):
    if kind == "manifest unreadable" and os.geteuid() == 0:
        pytest.skip("root reads files whatever their permissions")
    art = tmp_path / "artifacts"
    shutil.copytree(guarded, art)
    manifest = art / "manifest.json"
    if kind == "manifest is a folder":
        manifest.unlink()
        manifest.mkdir()
    else:
        manifest.chmod(0)
    line = _refused_in_one_line(TEST, ["report", "--artifacts", str(art), "--out", str(tmp_path / "r.html")], capsys)
    assert "manifest.json" in line


# --- the scenario library (issue 32): nothing a user points it at is replaced, extended or silently left unchanged
def _saved_library(e: Env, *names: str) -> Path:
    """A library file holding a plan under each of `names`, saved through the real CLI."""
    library = e.tmp / "team.sqlite"
    for name in names:
        argv = ["scenarios", "save", "--name", name, "--scenario", str(e.scenario()), "--artifacts", str(e.art)]
        assert _call(TEST, [*argv, "--database", f"sqlite:///{library}", "--quiet"]) == 0
    close_library(f"sqlite:///{library}")
    return library


def _other_application(e: Env) -> Path:
    """Another application's SQLite file: a table of its own, no library tables."""
    path = e.tmp / "crm.sqlite"
    with sqlite3.connect(path) as connection:
        connection.execute("CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT)")
        connection.execute("INSERT INTO customers (name) VALUES ('Asha')")
    return path


def _scenarios(library: Path | str, *args: str) -> list[str]:
    url = library if isinstance(library, str) else f"sqlite:///{library}"
    return ["scenarios", *args, "--database", url, "--quiet"]


# (id, the file that must stay byte-identical and the argv, words the one-line error must hold)
LIBRARY_CASES: list[tuple[str, Callable[[Env], tuple[Path, list[str]]], str]] = [
    (
        "export over the library itself",
        lambda e: (lib := _saved_library(e, "Alpha"), _scenarios(lib, "export", "Alpha", "--out", str(lib))),
        "--out: ",
    ),
    (
        "export over the library by another path",
        lambda e: (lib := _saved_library(e, "Alpha"), _scenarios(lib, "export", "Alpha", "--out", f"{e.tmp}/./x/../team.sqlite")),
        "writing there would replace it",
    ),
    (
        "export over another database",
        lambda e: (db := _other_application(e), _scenarios(_saved_library(e, "Alpha"), "export", "Alpha", "--out", str(db))),
        "crm.sqlite is a database",
    ),
    (
        "database of another application",
        lambda e: (
            db := _other_application(e),
            _scenarios(db, "save", "--name", "A", "--scenario", str(e.scenario()), "--artifacts", str(e.art)),
        ),
        "holds 1 tables of another application (customers) and no scenario library; nothing was written",
    ),
    (
        "database of another application listed",
        lambda e: (db := _other_application(e), _scenarios(db, "list")),
        "of another application (customers)",
    ),
    (
        "rename a name with a leading space",
        lambda e: (lib := _saved_library(e, "Alpha"), _scenarios(lib, "rename", " Alpha", "Gamma")),
        "no scenario named ' Alpha'; did you mean 'Alpha'?",
    ),
    (
        "delete a name in other case",
        lambda e: (lib := _saved_library(e, "Alpha"), _scenarios(lib, "delete", "alpha")),
        "no scenario named 'alpha'; did you mean 'Alpha'?",
    ),
]


@pytest.mark.parametrize("name, setup, expected", LIBRARY_CASES, ids=[c[0] for c in LIBRARY_CASES])
def test_the_library_refuses_and_keeps_every_file(name, setup, expected, tmp_path, small_data, guarded, capsys):
    before = snapshot(guarded)
    kept, argv = setup(Env(tmp_path, small_data, guarded))
    files = {p: p.read_bytes() for p in tmp_path.glob("*.sqlite")}
    line = _refused_in_one_line(TEST, argv, capsys)
    assert expected in line, line
    assert {p: p.read_bytes() for p in tmp_path.glob("*.sqlite")} == files and kept.exists()
    assert snapshot(guarded) == before


@pytest.mark.parametrize(
    "url, expected",
    [
        ("sqlite:///:memory:", "--database names a database in memory, which loses every saved plan"),
        ("sqlite://", "--database names a database in memory"),
        ("not a url", "--database is not a database URL"),
        ("FOLDER", "is a folder; give a file in it, e.g. sqlite:///"),
    ],
    ids=["memory", "memory by default", "not a url", "folder"],
)
def test_a_database_that_cannot_keep_a_library_is_refused_naming_the_option(
    url, expected, tmp_path, guarded, capsys, monkeypatch
):
    monkeypatch.setenv("GMV_DATABASE_URL", f"sqlite:///{tmp_path / 'env.sqlite'}")
    url = f"sqlite:///{tmp_path}" if url == "FOLDER" else url
    line = _refused_in_one_line(TEST, ["scenarios", "list", "--database", url], capsys)
    assert expected in line and "GMV_DATABASE_URL" not in line, line
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def test_a_bad_database_url_in_the_environment_blames_the_environment(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("GMV_DATABASE_URL", "not a url")
    line = _refused_in_one_line(TEST, ["scenarios", "list"], capsys)
    assert "$GMV_DATABASE_URL is not a database URL" in line


def test_an_exported_plan_carries_its_unit_and_a_model_in_another_unit_refuses_it(tmp_path, small_data, guarded, capsys):
    e = Env(tmp_path, small_data, guarded)
    library, out = _saved_library(e, "Alpha"), tmp_path / "alpha.csv"
    assert _call(TEST, _scenarios(library, "export", "Alpha", "--out", str(out))) == 0
    plan = pd.read_csv(out, keep_default_na=False)
    assert set(plan["spend_unit"]) == {"crore"} and set(plan["currency"]) == {"INR"}
    assert _call(TEST, e.predict(out)) == 0  # the model it came from reads it
    pounds = e.write("pounds.csv", plan.assign(spend_unit="million", currency="GBP").to_csv(index=False))
    line = _refused_in_one_line(TEST, e.predict(pounds), capsys)
    assert "pounds.csv row 2, column 'spend_unit': the plan's spend is in spend_unit 'million'" in line
    assert "takes spend in crore ₹" in line


def test_a_week_naming_one_subcategory_keeps_that_week_for_the_others(tmp_path, small_data, guarded):
    e = Env(tmp_path, small_data, guarded)
    names = ["", "CameraAccessory", "", ""]  # week 2 only names CameraAccessory; the other rows are for every one
    scenario = e.scenario(lambda f: f.assign(subcategory=names, discount=[None, 0.3, None, None]))
    assert _call(TEST, e.predict(scenario)) == 0
    predicted = pd.read_csv(tmp_path / "pred.csv")
    subcategories = json.loads((guarded / "manifest.json").read_text())["subcategories"]
    assert len(predicted) == 4 * len(subcategories)
    assert predicted.groupby("subcategory")["week_start"].nunique().eq(4).all()


@pytest.mark.parametrize("umask, mode", [(0o022, 0o755), (0o027, 0o750)])
def test_the_artifacts_folder_honours_the_umask(umask, mode, tmp_path, small_data, guarded):
    """An app running as another user (in the group, or anyone under umask 022) can read what training wrote."""
    e = Env(tmp_path, small_data, tmp_path / "art")
    old = os.umask(umask)
    try:
        assert _call(TRAIN, [*_weekly_argv(e, _weekly(e)), "--trees", "5"]) == 0
    finally:
        os.umask(old)
    assert (e.art / "manifest.json").exists()
    assert e.art.stat().st_mode & 0o777 == mode
    assert (e.art / "manifest.json").stat().st_mode & 0o777 == mode & 0o666
