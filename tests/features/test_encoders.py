import numpy as np
import pandas as pd

from gmvplanner.features.encoders import _encoder, fit_encoders


def test_the_encoders_keep_the_categories_an_encoder_fitted_on_every_order_keeps():
    """Fitted from ranked counts, the encoders equal ones fitted on each order's value: the same categories, the
    same infrequent ones (ties at the cut included) and the same columns for every value."""
    rng = np.random.default_rng(3)
    verticals = {f"v{i:02d}": int(n) for i, n in enumerate(rng.integers(1, 40_000, 14))}
    verticals["v03"] = verticals["v04"] = verticals["v10"]  # the 7th-9th most frequent tie: across the cut
    payments = {"COD": 52_000, "Prepaid": 48_000}
    mix = pd.DataFrame(
        [("Cam", "vertical", v, n) for v, n in verticals.items()] + [("Cam", "payment", v, n) for v, n in payments.items()],
        columns=["subcategory", "kind", "value", "n"],
    )
    fitted = fit_encoders(mix, "Cam")
    for kind, counts, encoder in (("vertical", verticals, fitted.vertical), ("payment", payments, fitted.payment)):
        orders = pd.DataFrame({kind: np.repeat(list(counts), list(counts.values()))})
        reference = _encoder().fit(orders)
        assert [list(c) for c in encoder.categories_] == [list(c) for c in reference.categories_]
        infrequent = [None if c is None else list(c) for c in encoder.infrequent_categories_]
        assert infrequent == [None if c is None else list(c) for c in reference.infrequent_categories_]
        values = pd.DataFrame({kind: list(counts) + ["never seen"]})
        np.testing.assert_array_equal(encoder.transform(values), reference.transform(values))


def test_a_subcategory_without_the_column_is_all_unknown():
    mix = pd.DataFrame(columns=["subcategory", "kind", "value", "n"])
    fitted = fit_encoders(mix, "Cam")
    assert fitted.vertical_names() == [] and list(fitted.payment.categories_[0]) == ["unknown"]
