"""GMV Planner: order data and marketing spend -> weekly GMV models, scenarios and budgets."""

__version__ = "0.8.0"
