"""Explore a nianbao dataset: load the six tables, check them, and draw three charts.

    python examples/explore.py DATASET_DIR [--charts DIR]

DATASET_DIR is the --out folder of `nianbao dataset` (Parquet). The script reads the tables with
polars, reads them again with pyarrow and pandas, checks that they agree with each other (it exits
non-zero if not: CI runs it), and writes two PNG charts:

- outcomes.png: how the applications of each agency and year were answered (shares of
  表三 （七）总计: granted, partly granted, denied, unable, not processed, other);
- failed_checks.png: the share of failed consistency checks, per rule;
- grant_rate.png: from the panel (one row per agency and year), the share of the applications
  answered that were granted (予以公开) or partly granted (部分公开), per year.

examples/explore.ipynb walks through the same steps for a person.
"""

from __future__ import annotations

import argparse
import pathlib
import re
import sys

import matplotlib.pyplot as plt
import pandas as pd
import polars as pl
import pyarrow.parquet as pq
from matplotlib import font_manager

TABLES = ("reports", "cells", "checks", "wide", "facts", "panel")

# Outcome groups of 表三: each a regular expression over the row paths of the wide table's column
# names. "other" covers both the three 2021 sub-rows and the single 2019 row.
OUTCOMES = {
    "granted": r"^table3\.result\.granted$",
    "partially granted": r"^table3\.result\.partially_granted$",
    "denied": r"^table3\.result\.denied\..*$",
    "unable": r"^table3\.result\.unable\..*$",
    "not processed": r"^table3\.result\.not_processed\..*$",
    "other": r"^table3\.result\.other\..*$",
}

APPLICANTS = (
    "natural_person",
    "commercial_enterprise",
    "research_institution",
    "public_interest_org",
    "legal_service_org",
    "other_org",
)


def load(dataset: pathlib.Path) -> dict[str, pl.DataFrame]:
    """The six tables as polars DataFrames."""
    return {name: pl.read_parquet(dataset / f"{name}.parquet") for name in TABLES}


def originals(tables: dict[str, pl.DataFrame]) -> dict[str, pl.DataFrame]:
    """The tables without failed documents and duplicates: what to count."""
    reports = tables["reports"].filter(pl.col("error").is_null() & pl.col("duplicate_of").is_null())
    keep = reports.select("report_id")
    return {
        "reports": reports,
        "cells": tables["cells"].join(keep, on="report_id", how="semi"),
        "checks": tables["checks"].join(keep, on="report_id", how="semi"),
        "wide": tables["wide"].filter(pl.col("duplicate_of").is_null()),
    }


def check(dataset: pathlib.Path, tables: dict[str, pl.DataFrame]) -> list[str]:
    """What is wrong with the tables (empty when they agree with each other and the README)."""
    problems = []
    reports, cells, checks, wide, facts, panel = (tables[n] for n in TABLES)

    # pyarrow and pandas read the same files (polars writes strings as string_view).
    for name in TABLES:
        arrow = pq.read_table(dataset / f"{name}.parquet")
        if arrow.num_rows != tables[name].height or arrow.column_names != tables[name].columns:
            problems.append(f"{name}: pyarrow reads {arrow.num_rows} rows, polars {tables[name].height}")
    if len(pd.read_parquet(dataset / "reports.parquet")) != reports.height:
        problems.append("reports: pandas reads another row count")

    expected = {"value_int": pl.Int64, "value_decimal": pl.Float64, "table": pl.Int32, "passed": pl.Boolean}
    for name, dtype in expected.items():
        frame = checks if name == "passed" else cells
        if frame.schema[name] != dtype:
            problems.append(f"{name} is {frame.schema[name]}, not {dtype}")
    if reports.select(pl.col("report_id").is_null().any()).item():
        problems.append("a report has no id")

    # Every extracted report (but byte-identical copies) has its n_cells rows in cells.
    counted = reports.filter(
        pl.col("error").is_null() & (pl.col("duplicate_kind").is_null() | (pl.col("duplicate_kind") != "same_bytes"))
    )
    per_report = cells.group_by("report_id").len()
    joined = counted.join(per_report, on="report_id", how="left").with_columns(pl.col("len").fill_null(0))
    if joined.filter(pl.col("len") != pl.col("n_cells")).height:
        problems.append("cells per report differ from reports.n_cells")
    if wide.height != counted.height:
        problems.append(f"wide has {wide.height} rows, expected {counted.height}")

    # A value only where a number was printed: a blank is not a zero.
    has_value = pl.col("value_int").is_not_null() | pl.col("value_decimal").is_not_null()
    if cells.filter(has_value != (pl.col("status") == "number")).height:
        problems.append("a cell has a value without status number (or the reverse)")

    # `value` holds every number: value_int or value_decimal.
    either = pl.coalesce(pl.col("value_int").cast(pl.Float64), pl.col("value_decimal"))
    if cells.filter(pl.col("value").ne_missing(either)).height:
        problems.append("cells.value differs from value_int / value_decimal")

    # A prose statement that disagrees with its table is a failed N check, and the reverse.
    disagreeing = facts.filter(pl.col("agrees").not_()).height
    failed_n = checks.filter(pl.col("rule").str.starts_with("N") & pl.col("passed").not_()).height
    if disagreeing != failed_n:
        problems.append(f"{disagreeing} facts disagree with their table, {failed_n} N checks failed")

    # The panel: one row per agency and year, each row an original report.
    if panel.select(pl.struct("agency_key", "year").is_duplicated().any()).item():
        problems.append("panel has two rows for one agency and year")
    originals_ids = reports.filter(pl.col("duplicate_of").is_null()).select("report_id")
    if panel.join(originals_ids, on="report_id", how="anti").height:
        problems.append("a panel row does not point at an original report")

    failed = checks.filter(~pl.col("passed")).group_by("report_id").len()
    joined = counted.join(failed, on="report_id", how="left").with_columns(pl.col("len").fill_null(0))
    if joined.filter(pl.col("len") != pl.col("n_checks_failed")).height:
        problems.append("failed checks per report differ from reports.n_checks_failed")
    return problems


def row_total(wide: pl.DataFrame, row: str) -> pl.Expr:
    """A table-三 row's total: the printed 总计, or (when it was left blank) the sum of the six
    applicant columns, blank cells counting as 0 as in the checks."""
    return pl.coalesce(pl.col(f"{row}.total"), pl.sum_horizontal([pl.col(f"{row}.{c}") for c in APPLICANTS]))


def outcome_shares(wide: pl.DataFrame) -> pl.DataFrame:
    """One row per agency and year: the share of each outcome group in 表三 （七）总计."""
    rows = sorted({c.rsplit(".", 1)[0] for c in wide.columns if c.startswith("table3.result.")})
    groups = [
        pl.sum_horizontal([row_total(wide, r) for r in rows if re.match(pattern, r)]).alias(name)
        for name, pattern in OUTCOMES.items()
    ]
    total = row_total(wide, "table3.result_total")
    return (
        wide.select(
            pl.coalesce("agency_normalized", "agency", pl.lit("?")).alias("agency"),
            "year",
            total.alias("total"),
            *groups,
        )
        .filter(pl.col("total") > 0)
        .with_columns([(pl.col(name) / pl.col("total")).alias(name) for name in OUTCOMES])
        .sort("agency", "year")
    )


def failed_check_rate(checks: pl.DataFrame) -> pl.DataFrame:
    """Per rule: checks run, failed, and the failed share."""
    return (
        checks.group_by("rule")
        .agg(pl.len().alias("checks"), (~pl.col("passed")).sum().alias("failed"))
        .with_columns((pl.col("failed") / pl.col("checks")).alias("failed_rate"))
        .sort("rule")
    )


def requests_per_agency_year(panel: pl.DataFrame) -> pl.DataFrame:
    """Applications received (本年新收), one row per agency, one column per year."""
    return (
        panel.select("agency_key", "year", "requests_received")
        .sort("year")
        .pivot(on="year", index="agency_key", values="requests_received")
        .sort("agency_key")
    )


def grant_rate_by_year(panel: pl.DataFrame) -> pl.DataFrame:
    """Per year, over the agencies whose table gives the numbers: applications answered, and the
    shares granted and partly granted (of 办理结果 总计). Rows where the reports of one agency-year
    disagree are left out."""
    answered = panel.filter(
        (pl.col("result_total") > 0)
        & pl.col("granted").is_not_null()
        & pl.col("partially_granted").is_not_null()
        & ~pl.col("reports_disagree")
    )
    return (
        answered.group_by("year")
        .agg(
            pl.len().alias("agencies"),
            pl.col("result_total").sum().alias("answered"),
            pl.col("granted").sum().alias("granted"),
            pl.col("partially_granted").sum().alias("partially_granted"),
        )
        .with_columns(
            (pl.col("granted") / pl.col("answered")).alias("grant_rate"),
            ((pl.col("granted") + pl.col("partially_granted")) / pl.col("answered")).alias("grant_or_partial_rate"),
        )
        .sort("year")
    )


def plot_grant_rate(rates: pl.DataFrame, path: pathlib.Path | None = None):
    """The grant rate (and granted or partly granted) per year."""
    frame = rates.to_pandas().set_index("year")
    fig, ax = plt.subplots(figsize=(6, 3))
    frame[["grant_rate", "grant_or_partial_rate"]].plot(ax=ax, marker="o")
    ax.set_ylabel("share of applications answered")
    ax.set_ylim(0, 1)
    ax.set_xticks(list(frame.index))
    for year, n in zip(frame.index, frame["agencies"]):
        ax.annotate(f"n={n}", (year, frame.loc[year, "grant_or_partial_rate"]), ha="center", va="bottom", fontsize="small")
    fig.tight_layout()
    if path:
        fig.savefig(path, dpi=120)
    return fig


def use_chinese_font() -> bool:
    """Selects an installed CJK font for the agency names; False when there is none."""
    names = {f.name for f in font_manager.fontManager.ttflist}
    for name in ("Noto Sans CJK SC", "Noto Sans SC", "WenQuanYi Micro Hei", "WenQuanYi Zen Hei", "SimHei"):
        if name in names:
            plt.rcParams["font.sans-serif"] = [name, *plt.rcParams["font.sans-serif"]]
            return True
    return False


def plot_outcomes(shares: pl.DataFrame, path: pathlib.Path | None = None):
    """A stacked bar per agency and year; saved to `path` when given."""
    frame = shares.to_pandas()
    chinese = use_chinese_font()
    frame.index = [
        f"{a if chinese else f'agency {i}'} {y}" for i, (a, y) in enumerate(zip(frame["agency"], frame["year"]))
    ]
    if not chinese:
        print("no CJK font installed: " + ", ".join(f"agency {i} = {a}" for i, a in enumerate(frame["agency"])))
    fig, ax = plt.subplots(figsize=(9, 0.45 * len(frame) + 1.5))
    frame[list(OUTCOMES)].plot.barh(stacked=True, ax=ax, width=0.8)
    ax.set_xlabel("share of the applications answered (table 3, row (7) total)")
    ax.set_xlim(0, 1)
    ax.invert_yaxis()
    ax.legend(ncol=3, fontsize="small", loc="lower center", bbox_to_anchor=(0.5, 1.0))
    fig.tight_layout()
    if path:
        fig.savefig(path, dpi=120)
    return fig


def plot_failed_checks(rates: pl.DataFrame, path: pathlib.Path | None = None):
    """A bar per rule: the share of its checks that failed."""
    frame = rates.to_pandas().set_index("rule")
    fig, ax = plt.subplots(figsize=(6, 3))
    frame["failed_rate"].plot.bar(ax=ax, color="tab:red")
    ax.set_ylabel("failed share")
    ax.set_ylim(0, 1)
    for i, (failed, total) in enumerate(zip(frame["failed"], frame["checks"])):
        ax.annotate(f"{failed}/{total}", (i, frame["failed_rate"].iloc[i]), ha="center", va="bottom", fontsize="small")
    fig.tight_layout()
    if path:
        fig.savefig(path, dpi=120)
    return fig


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dataset", type=pathlib.Path, help="the --out folder of nianbao dataset")
    parser.add_argument("--charts", type=pathlib.Path, help="where to write the PNG charts (default: DATASET)")
    args = parser.parse_args(argv)
    plt.switch_backend("Agg")  # headless: files, not windows

    tables = load(args.dataset)
    problems = check(args.dataset, tables)
    for problem in problems:
        print(f"problem: {problem}", file=sys.stderr)

    counted = originals(tables)
    reports = tables["reports"]
    print(
        f"{reports.height} documents, {counted['reports'].height} distinct reports read, "
        f"{reports.filter(pl.col('error').is_not_null()).height} failed, "
        f"{reports.filter(pl.col('duplicate_of').is_not_null()).height} duplicates"
    )
    shares = outcome_shares(counted["wide"])
    rates = failed_check_rate(counted["checks"])
    panel = tables["panel"]
    grant = grant_rate_by_year(panel)
    with pl.Config(tbl_rows=20, tbl_cols=10):
        print(shares)
        print(rates)
        print(requests_per_agency_year(panel))
        print(grant)

    charts = args.charts or args.dataset
    charts.mkdir(parents=True, exist_ok=True)
    plot_outcomes(shares, charts / "outcomes.png")
    plot_failed_checks(rates, charts / "failed_checks.png")
    plot_grant_rate(grant, charts / "grant_rate.png")
    print(f"charts: {charts / 'outcomes.png'}, {charts / 'failed_checks.png'}, {charts / 'grant_rate.png'}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
