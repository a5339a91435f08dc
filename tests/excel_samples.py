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
}


def sample_args(fn):
    """A valid argument list for ``fn``, every argument given."""
    return [SAMPLE[a.name] for a in fn.args]
