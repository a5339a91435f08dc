"""The standard us-gaap concepts of each bridge line, read from companyfacts and from filings' instances.

Concepts are tried in order per period and the one used is recorded. The sign turns a
concept's own convention into the bridge's: ``FairValueAdjustmentOfWarrants`` is a
debit-balance concept (a loss is positive), so it is negated (a gain is positive).
"""

from __future__ import annotations

# bridge key -> (concepts in order of preference, sign into the bridge's convention)
CONCEPTS: dict[str, tuple[tuple[str, ...], int]] = {
    "reported.revenue": (("RevenueFromContractWithCustomerExcludingAssessedTax", "Revenues"), 1),
    "reported.cost_of_revenue": (("CostOfGoodsAndServiceExcludingDepreciationDepletionAndAmortization",
                                  "CostOfRevenue", "CostOfGoodsAndServicesSold"), 1),
    "reported.gross_profit": (("GrossProfit",), 1),
    "reported.operating_income": (("OperatingIncomeLoss",), 1),
    "sga": (("SellingGeneralAndAdministrativeExpense", "GeneralAndAdministrativeExpense"), 1),
    "depreciation_amortization": (("DepreciationDepletionAndAmortization", "DepreciationAndAmortization",
                                   "Depreciation"), 1),
    "impairment": (("ImpairmentOfLongLivedAssetsHeldForUse", "AssetImpairmentCharges"), 1),
    "digital_asset_fair_value_change": (("CryptoAssetGainLoss", "CryptoAssetFairValueGainLoss"), 1),
    "warrant_fair_value_change": (("FairValueAdjustmentOfWarrants",), -1),
    "interest_expense": (("InterestExpense", "InterestExpenseNonoperating"), 1),
    "other_income": (("OtherNonoperatingIncomeExpense",), 1),
    "income_tax": (("IncomeTaxExpenseBenefit",), 1),
    "stock_based_compensation": (("ShareBasedCompensation", "AllocatedShareBasedCompensationExpense"), 1),
    "reported.net_income": (("NetIncomeLoss",), 1),
}
