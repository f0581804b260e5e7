"""What the Streamlit app asks of the package, in one place: the pages import `planner` and nothing deeper.

No Streamlit here: the app passes plain values in and gets frames and messages back. The work lives by job in the
service modules beside this one: `plans` (editing and comparing plans), `plan_sheet` (the plan as a planning
sheet: totals, .xlsx, paste, locks, undo), `budget_requests` (the Budget page's request and answer), `app_model`
(the app's model: train if missing, retrain, the one-pager) and `uploads`; the tables and words shown come from
`reporting.tables`.
"""

from __future__ import annotations

from ..reporting.tables import (
    BASELINE_PLAN,
    adequacy_table,
    baseline_verdict,
    channel_table,
    event_weeks,
    forecaster_table,
    identification_caution,
    metrics_table,
    missing_weeks_note,
    scenario_table,
    split_table,
    step_model_caution,
)
from . import app_model, budget_requests, plan_sheet, plans, uploads
from .app_model import *  # noqa: F403  (each job module's __all__ is what the pages may call)
from .budget_requests import *  # noqa: F403
from .plan_sheet import *  # noqa: F403
from .plans import *  # noqa: F403
from .uploads import *  # noqa: F403

__all__ = [
    "BASELINE_PLAN",
    "adequacy_table",
    "baseline_verdict",
    "channel_table",
    "event_weeks",
    "forecaster_table",
    "identification_caution",
    "metrics_table",
    "missing_weeks_note",
    "scenario_table",
    "split_table",
    "step_model_caution",
]
__all__ += app_model.__all__
__all__ += budget_requests.__all__
__all__ += plan_sheet.__all__
__all__ += plans.__all__
__all__ += uploads.__all__
