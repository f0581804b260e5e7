"""Analysis of a fitted model: scenarios, channel effects and the budget optimiser (they never change the model)."""
