"""A checkout simulation: buyers arrive over a peak week, each is quoted by the quote
engine over the capacity left, chooses an option by a stated logit, and books it; the
capacity policy (`fcfs`, `bid-price`) decides what the quotes offer, and `hindsight`
bounds what any policy could reach. `glocal simulate-checkout` and
`bench/checkout_sim.py` run it (docs/checkout-simulation.md).

    arrivals.peak_arrivals(...)   the buyers: a sample week's orders, capacity scaled to them
    choice.Logit                  how a buyer chooses among the options shown
    costs.CostBook                what an order costs the network on an option, on spot
    offline.OfflineLP             the LP over every buyer's options: bid prices, hindsight
    simulate.simulate(...)        one run of one policy
"""
