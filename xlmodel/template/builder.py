"""Build the analyst's workbook template from code (``xlmodel template``).

The template is written with XlsxWriter, with fixed document properties, so building it
twice from the same code gives the same bytes. Multi-cell results whose size is fixed by
the sheet's layout (a column per quarter list, the cost grid) are legacy fixed-size array
formulas (``{=...}``): they compute in every Excel version, in xlwings Lite and Server and
in the headless engine, and never show as ``=@FUNC``. A result whose size follows what the
analyst types (the peer table grows with the contracts on Inputs) is a dynamic-array
formula that spills in Excel 365 and xlwings Lite; ``xlmodel calc`` widens it the same way.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from xlsxwriter.workbook import Workbook

from xlmodel.template import (
    bridge,
    colocation,
    companies,
    coverage,
    datasheets,
    distribution,
    inputs,
    mining,
    peers,
    printing,
    scenarios,
    trials,
    valuation,
)
from xlmodel.template.layout import Styles

DEFAULT_TEMPLATE = Path("workbooks/miner_model.xlsx")
UDF_MODULE = "xlmodel.excel.udfs"
CONF_SHEET = "xlwings.conf"
MODEL_SHEETS = ["Mining", "Colocation", "Bridge", "Peers", "Valuation", "Coverage", "Scenarios", "Trials", "Companies"]
SHEETS = ["README", "Inputs", *MODEL_SHEETS, CONF_SHEET, *datasheets.SHEET_NAMES]

README_LINES = [
    ("xlmodel miner model", "title"),
    ("Cash cost per BTC, colocation revenue per MW and the segment bridge for listed bitcoin miners, "
     "computed by xlmodel's tested Python functions.", "text"),
    ("", "text"),
    ("Sheets", "header"),
    ("Inputs: the ticker that drives the whole book (B5), the valuation date, what the company lacks (B8) and holds "
     "stale (B9); its capital structure, share price and operations, each with its date, source and an override "
     "cell; the book-wide assumptions; and its lease blocks with overrides. Overrides apply to the company in B6 only.",
     "text"),
    ("Mining: hashprice, hashcost, expected BTC, power and cash cost per BTC, breakevens, a sensitivity "
     "chart and a cost grid, for the company's fleet.", "text"),
    ("Colocation: the company's billable MW and revenue by quarter from its lease blocks against what it reported, "
     "and every covered company's lease blocks side by side.", "text"),
    ("Bridge: the company's two latest quarters in Data_Company (or two you type) as items, each quarter's bridge "
     "from segment revenue to net income and adjusted EBITDA, the walk between them and its waterfall chart; check "
     "rows compare with reported figures.", "text"),
    ("Peers: the eleven listed miners by calendar quarter (revenue by segment, HPC share, gross profit, SG&A, net "
     "income, each row's source), their operations, and what the market pays per contracted MW (from Coverage).",
     "text"),
    ("Valuation: the company's sum of the parts (contracted leases by VAL_LEASE_NPV, the pipeline, mining by "
     "VAL_MINING_NPV, corporate costs by VAL_COST_NPV, bitcoin, net debt) down to value per share, diluted at the "
     "share price and at the model's own value; what the market pays per contracted critical-IT MW beside "
     "JPMorgan's and CoreWeave's reference points; a discount-rate by BTC-price grid; the dilutive instruments.",
     "text"),
    ("Coverage: all eleven companies valued the same way, one row each, and value per share against the share price "
     "by upside.", "text"),
    ("Scenarios: percentiles, not points: a BTC price fan, the fleet's mining-margin fan and the probability of a "
     "negative margin by month (base and stress volatility, the 2028 halving in view), and colocation revenue "
     "under RFS slips against the plan.", "text"),
    ("Trials: value as a distribution: one column of simulated worlds per part of the company's value (BTC price "
     "and network, RFS slips, pipeline outcomes), summed row by row into value per share; and each covered "
     "company's value per share in fewer worlds, for Coverage.", "text"),
    ("Companies: every covered company's sourced records (operations, lease blocks, pipeline sites, build capex), "
     "each with its date and source, and the inputs in use by company.", "text"),
    ("Settings: provider URLs, the SEC User-Agent and the Stooq key Refresh uses (environment variables of the "
     "same name win).", "text"),
    ("Data_Network, Data_Prices, Data_Company, Data_Equities: what Refresh pulled (from the embedded, sourced "
     "snapshot until the first refresh); Sources: where each table came from, when, and whether it is current or "
     "stale. Refresh writes only these five sheets.", "text"),
    ("xlwings.conf: tells the xlwings add-in which Python module holds the functions (UDF Modules).", "text"),
    ("", "text"),
    ("Colours", "header"),
    ("Blue text on pale yellow: an input you may change.", "input"),
    ("Black: a formula on this sheet's inputs.", "text"),
    ("Green: a formula that reads another sheet or a data table.", "link"),
    ("Bold on green: a key result.", "key"),
    ("", "text"),
    ("Turning the functions on", "header"),
    ("Refresh: Windows, press Run main on the xlwings ribbon (workbooks/miner_model.py next to this file); "
     "xlwings Lite/Server, run the 'refresh' script; Linux: 'xlmodel refresh miner_model.xlsx'.", "text"),
    ("Windows, Excel with the xlwings add-in: pip install xlmodel (it pins the matching xlwings), run "
     "'xlwings addin install', open this workbook: the xlwings.conf sheet already names the module "
     f"{UDF_MODULE}. Save as .xlsm, then press Import Functions on the xlwings ribbon once.", "text"),
    ("xlwings Lite (Windows, Mac, web): add xlmodel to requirements.txt and write "
     f"'from {UDF_MODULE} import *' in main.py: the functions appear without a prefix.", "text"),
    ("Linux or CI, no Excel: 'xlmodel calc workbooks/miner_model.xlsx' recalculates every formula with "
     "the same functions and writes a copy with the values stored.", "text"),
    ("", "text"),
    ("Errors", "header"),
    ("A cell that cannot compute shows '#VALUE! <argument> <what was wrong>'. In a range, only the bad "
     "element's cell shows it; the rest still compute.", "text"),
]


def build_template(out: Path = DEFAULT_TEMPLATE) -> Path:
    """Write the template workbook to ``out`` and return its path."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    wb = Workbook(str(out), {"use_future_functions": True})
    wb.set_properties({
        "title": "xlmodel miner model",
        "author": "xlmodel",
        "created": dt.datetime(2026, 1, 1),
        "comments": "Built by 'xlmodel template'",
    })
    wb.set_calc_mode("auto")
    styles = Styles(wb)
    readme = wb.add_worksheet("README")
    inputs_ws = wb.add_worksheet("Inputs")
    sheets = {name: wb.add_worksheet(name) for name in MODEL_SHEETS}
    _write_readme(readme, styles)
    inputs.write_inputs(inputs_ws, wb, styles)
    mining.write_mining(sheets["Mining"], wb, styles)
    colocation.write_colocation(sheets["Colocation"], wb, styles)
    bridge.write_bridge(sheets["Bridge"], wb, styles)
    peers.write_peers(sheets["Peers"], wb, styles)
    valuation.write_valuation(sheets["Valuation"], wb, styles, distribution.write_distribution)
    coverage.write_coverage(sheets["Coverage"], wb, styles)
    scenarios.write_scenarios(sheets["Scenarios"], wb, styles)
    trials.write_trials(sheets["Trials"], wb, styles)
    companies.write_companies(sheets["Companies"], wb, styles)
    printing.set_up_printing({"Inputs": inputs_ws, **sheets})
    _write_conf(wb.add_worksheet(CONF_SHEET))
    datasheets.write_settings(wb.add_worksheet("Settings"), styles)
    datasheets.write_data_sheets(wb, styles)
    inputs_ws.activate()
    wb.close()
    return out


def _write_readme(ws, styles: Styles) -> None:
    ws.set_column(0, 0, 120)
    for r, (text, kind) in enumerate(README_LINES):
        fmt = {"title": styles.title, "header": styles.header}.get(kind) or (
            styles.get(kind, "text") if kind in ("input", "link", "key") else styles.wrap
        )
        ws.write_string(r, 0, text, fmt)


def _write_conf(ws) -> None:
    """The xlwings add-in reads keys from A1 down (no gaps) and values in column B."""
    ws.write_string(0, 0, "UDF Modules")
    ws.write_string(0, 1, UDF_MODULE)
