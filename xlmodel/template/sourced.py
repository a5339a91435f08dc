"""The company inputs the model takes from sourced records, and the formulas that read them.

Each :class:`Input` is one figure per company (the share price, cash, fleet efficiency, ...):
where its sourced value, date and source are looked up for a ticker, how an override typed on
the Inputs sheet is checked, and which part of the valuation needs it. The Companies sheet
holds one row per company of the values in use (sourced, or the override typed for that
company); the Inputs sheet shows the model ticker's, and the Coverage sheet values every row.
"""

from __future__ import annotations

from dataclasses import dataclass

from xlmodel.template.layout import latest_close, latest_close_date

STALE_DAYS = 200  # an input dated more than this before the valuation date is flagged
DATE_RANGE = (2015, 2040)  # RFS dates and other typed dates must fall in these years


@dataclass(frozen=True)
class Input:
    """One company figure the model uses."""

    name: str  # the Inputs cell's defined name, and the Companies column's (``cmp_<name>``)
    label: str  # as the sheets show it, and in "not found" messages
    unit: str
    number: str  # number format
    kind: str  # "price": Data_Equities; "capital": a Data_Company line; "ops": the Companies operations table
    record: str = ""  # the record key: "capital.cash", "ops.fleet_hashrate_ehs"
    part: str = ""  # the valuation part that needs it ("" for none)
    ge: float | None = 0.0  # an override must be >= this (None: no bound)
    gt: float | None = None  # an override must be > this

    def value(self, t: str) -> str:
        """The sourced value for the ticker operand ``t``, empty text when there is none (a formula, no '=')."""
        if self.kind == "price":
            return latest_close(t)
        values, key = self._table()
        at = f'MATCH({t}&"|{self.record}",{key},0)'
        return f'IFERROR(IF(INDEX({values},{at})="","",INDEX({values},{at})),"")'

    def as_of(self, t: str) -> str:
        """The date the sourced value is true at, as a date serial, empty text when there is none."""
        if self.kind == "price":
            return f'IFERROR(DATEVALUE({latest_close_date(t)}),"")'
        _, key = self._table()
        at = f'MATCH({t}&"|{self.record}",{key},0)'
        if self.kind == "capital":
            return f'IFERROR(DATEVALUE(INDEX(company_period_end,{at})),"")'
        return f'IFERROR(IF(INDEX(ops_as_of,{at})="","",INDEX(ops_as_of,{at})),"")'

    def source(self, t: str) -> str:
        """Where the sourced value comes from, as text."""
        if self.kind == "price":
            return (f'IFERROR("close of "&{latest_close_date(t)}&": "&INDEX(Data_Equities!$D$2:$D$100,'
                    f'MATCH({t},Data_Equities!$A$2:$A$100,0)),"no close in Data_Equities")')
        _, key = self._table()
        at = f'MATCH({t}&"|{self.record}",{key},0)'
        if self.kind == "capital":
            return f'IFERROR(INDEX(company_form,{at})&" "&INDEX(company_url,{at}),"not in Data_Company")'
        return (f'IFERROR(IF(INDEX(ops_value,{at})="","searched, not found: "&INDEX(ops_note,{at}),'
                f'INDEX(ops_quote,{at})&": "&INDEX(ops_document,{at})&" "&INDEX(ops_url,{at})),'
                '"not in the Companies sheet")')

    def check(self, cell: str) -> str:
        """The message for a bad override typed in ``cell``, empty text for a good one or none."""
        name = f"{self.label} ({self.unit})" if self.unit else self.label
        bound = ""
        if self.gt is not None:
            bound = f'IF({cell}<={self.gt:g},"{name} must be > {self.gt:g}, got "&{cell},"")'
        elif self.ge is not None:
            bound = f'IF({cell}<{self.ge:g},"{name} must be >= {self.ge:g}, got "&{cell},"")'
        test = bound or '""'
        return f'IF({cell}="","",IF(NOT(ISNUMBER({cell})),"{name} must be a number, got "&{cell},{test}))'

    def _table(self) -> tuple[str, str]:
        """The named columns of the figure's values and of the key they are looked up by."""
        if self.kind == "capital":
            return "company_value", "company_lookup"
        return "ops_value", "ops_key"


CAPITAL = [
    Input("val_share_price", "share price", "USD/share", "usd2", "price", "", "capital", gt=0),
    Input("val_basic_shares", "basic shares outstanding", "shares", "num0", "capital", "capital.shares_outstanding",
          "capital", gt=0),
    Input("val_cash", "cash and equivalents", "USD", "usd", "capital", "capital.cash", "capital"),
    Input("val_debt", "debt", "USD", "usd", "capital", "capital.debt", "capital"),
    Input("val_btc_held", "bitcoin held", "BTC", "num0", "capital", "capital.btc_held", "capital"),
]
OPERATIONS = [
    Input("fleet_hashrate_ehs", "fleet hashrate", "EH/s", "num", "ops", "ops.fleet_hashrate_ehs", "mining"),
    Input("efficiency_j_per_th", "fleet efficiency", "J/TH", "num", "ops", "ops.efficiency_j_per_th", "mining", gt=0),
    Input("power_usd_per_mwh", "power price", "USD/MWh", "num", "ops", "ops.power_usd_per_mwh", "mining"),
    Input("btc_mined_reported", "BTC mined in the latest period", "BTC", "num0", "ops", "ops.btc_mined"),
    Input("cash_sga_usd_per_year", "cash SG&A per year", "USD/year", "usd", "ops", "ops.cash_sga_usd_per_year",
          "corporate"),
]
INPUTS = CAPITAL + OPERATIONS
BY_NAME = {i.name: i for i in INPUTS}


def stale_flag(as_of: str, valuation_date: str) -> str:
    """'stale: N days before the valuation date', 'after the valuation date', or empty text (a formula)."""
    return (f'IF(OR({as_of}="",{valuation_date}=""),"",IF({as_of}<{valuation_date}-{STALE_DAYS},"stale: "&'
            f'TEXT({valuation_date}-{as_of},"0")&" days before the valuation date",IF({as_of}>{valuation_date},'
            '"dated after the valuation date","")))')


def date_check(cell: str, name: str) -> str:
    """The message for a typed date outside the years the model takes, empty text otherwise."""
    lo, hi = DATE_RANGE
    return (f'IF({cell}="","",IF(NOT(ISNUMBER({cell})),"{name} must be a date, got "&{cell},'
            f'IF(OR({cell}<DATE({lo},1,1),{cell}>DATE({hi},12,31)),"{name} must be in {lo}-{hi}, got "&'
            f'TEXT({cell},"yyyy-mm-dd"),"")))')
