"""The training pipeline, stage by stage: load -> clean -> allocate -> features -> train -> artifacts.

`orders` trains from order-level sales and media spend, `weekly` from a weekly table; `outputs` holds what both
write (tables, manifest).
"""

from ..model.training import Progress
from .orders import TrainingInputs, train
from .outputs import TrainingResult
from .weekly import train_weekly

__all__ = ["TrainingInputs", "TrainingResult", "train", "train_weekly", "Progress"]
