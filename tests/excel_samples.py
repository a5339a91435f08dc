"""Valid sample arguments for every Excel function, keyed by argument name.

Shared by the bad-input tests and the xlwings conformance test: each test swaps one
argument for something bad and expects a message naming that argument.
"""

SAMPLE = {
    "block_height": 840_000,
    "difficulty": 155e12,
    "btc_price_usd": 70_000,
    "network_hashrate_ehs": 1_000,
    "fleet_hashrate_ehs": 20,
    "fees_btc_per_block": 0.03,
    "block_subsidy_btc": 3.125,
    "efficiency_j_per_th": 20,
    "power_usd_per_mwh": 50,
    "days": 91,
    "uptime": 0.95,
    "pool_fee": 0.01,
    "btc_mined": 1_115,
    "power_cost_usd": 40e6,
    "power_credits_usd": 2e6,
    "other_direct_cost_usd": 5e6,
    "cash_sga_usd": 10e6,
    "depreciation_usd": 27e6,
    "stock_comp_usd": 8e6,
    "interest_usd": 3e6,
    "other_cost_usd_per_btc": 5_000,
    "power_usd_per_mwh_list": [[30], [50], [70]],
    "network_hashrate_ehs_list": [[900, 1_000, 1_100]],
    # colocation (Core Scientific / CoreWeave figures, domain.md section 3)
    "revenue_usd": 15.0e6,
    "billable_mw": 48,
    "periods_per_year": 4,
    "usd_per_mw_year": 1.44e6,
    "usd_per_kw_month": 120,
    "total_contract_value_usd": 8.7e9,
    "term_years": 12,
    "mw": 500,
    "gross_mw": 100,
    "gross_to_it_ratio": 1.4,
    "rfs_dates": [["2025-05-31"], ["2025-06-30"], ["2025-12-31"]],
    "mw_blocks": [[8], [40], [202]],
    "as_of_dates": [["2025-06-30", "2025-12-31"]],
    "period_starts": [["2025-04-01"], ["2025-07-01"], ["2025-10-01"]],
    "period_ends": [["2025-06-30"], ["2025-09-30"], ["2025-12-31"]],
    "annual_escalator": 0.03,
}

SAMPLE.update({
    "item_keys": [["revenue.self_mining"], ["revenue.colocation"], ["cost_of_revenue.colocation"], ["sga"]],
    "values": [[57_400_000], [15_000_000], [11_100_000], [38_500_000]],
    "prior_values": [[62_400_000], [10_600_000], [9_000_000], [30_000_000]],
    "current_values": [[57_400_000], [15_000_000], [11_100_000], [38_500_000]],
})

SAMPLE.update({  # valuation (figures of the kind docs/valuation.md collects)
    "basic_shares": 300e6,
    "share_price_usd": 15,
    "instrument_counts": [[1e6], [5e6]],
    "strikes_usd": [[0], [6.81]],
    "convert_principals_usd": [[400e6], [625e6]],
    "conversion_prices_usd": [[11.0], [22.49]],
    "noi_margin": 0.8,
    "discount_rate": 0.09,
    "valuation_date": "2025-06-30",
    "terminal_cap_rate": 0.065,
    "remaining_capex_usd": 1e8,
    "years": 3,
    "btc_price_growth_per_year": 0.1,
    "network_growth_per_year": 0.3,
    "other_cost_usd_per_year": 2e7,
    "curtail": True,
    "part_names": [["Contracted leases"], ["Pipeline"], ["Mining"]],
    "part_values_usd": [[6e9], [1e9], [5e8]],
    "net_debt_usd": 1.2e9,
    "diluted_shares": 330e6,
    "btc_held": 500,
    "other_values_usd": 2e9,
    "contracted_mw": 590,
    "cost_usd_per_year": 120e6,
    "end_date": "2038-03-31",
})

# scenarios (SCN_*): few paths keep the generic bad-input tests quick; 120 daily closes hold 3 model months
SAMPLE.update({
    "annual_volatility": 0.5,
    "months": 12,
    "paths": 1_000,
    "seed": 7,
    "annual_drift": 0.0,
    "percentiles": [[5, 50, 95]],
    "price_history_usd": [[60_000 * 1.002**day * (1.03 if day % 7 == 3 else 1.0)] for day in range(120)],
    "hashrate_volatility": 0.2,
    "correlation": 0.3,
    "slip_months_mean": 3,
    "slip_months_sd": 2,
    "entity": "CORZ",
})

# trials (SCN_*_TRIALS) and value per share at the model's own value
SAMPLE.update({
    "equity_value_usd": [[2e9], [4.5e9], [7e9]],
    "usd_per_mw": 2e6,
    "probability": [[0.5], [0.1], [0.75]],
})

# where one argument name means a range in one function and a cell in another
SAMPLE_BY_FUNCTION = {
    "COLO_PEER_TABLE": {
        "operators": [["Core Scientific"], ["TeraWulf"], ["Cipher Mining"]],
        "tenants": [["CoreWeave"], ["Fluidstack"], ["AWS"]],
        "mw": [[500], [200], [300]],
        "basis": [["IT"], ["IT"], ["gross"]],
        "term_years": [[12], [10], [15]],
        "total_value_usd": [[8.7e9], [3.7e9], [5.5e9]],
    },
    "SCN_PIPELINE_TRIALS": {"mw": [[200], [300], [1_000]]},
    "SCN_FIT_GROWTH": {"dates": [["2025-01-31"], ["2025-04-30"], ["2025-07-31"], ["2025-10-31"]],
                       "values": [[820], [900], [1_010], [1_080]]},
    # explaining a hashcost call over a column of efficiencies, one of them bad
    "XLMODEL_EXPLAIN": {"function_name": "BTC_HASHCOST", "arg_1": [[20], ["n/a"], [18]], "arg_2": 50,
                        **{f"arg_{i}": None for i in range(3, 11)}},
}


def sample_args(fn):
    """A valid argument list for ``fn``, every argument given."""
    own = SAMPLE_BY_FUNCTION.get(fn.name, {})
    return [own[a.name] if a.name in own else SAMPLE[a.name] for a in fn.args]
