"""The one-line error: long names and values are shortened so the line stays readable."""

from gmvplanner.errors import LONGEST_NAME, InputError, shortened, shortened_words


def test_a_short_name_is_shown_whole():
    assert shortened("TV") == "TV"
    assert shortened("x" * LONGEST_NAME) == "x" * LONGEST_NAME


def test_a_long_name_keeps_its_start_end_and_length_and_shortening_twice_changes_nothing():
    name = "a" * 100 + "b" * 99_900 + "z" * 50
    short = shortened(name)
    assert short.startswith("a" * 60) and short.endswith("z" * 20 + " (100,050 characters)")
    assert len(short) <= LONGEST_NAME
    assert shortened(short) == short and shortened_words(f"'{short}'") == f"'{short}'"


def test_an_input_error_shortens_its_column_and_the_values_in_its_message():
    column, value = "c" * 5000, "v" * 200_000
    message = str(InputError("media.csv", f"cannot read number '{value}'", column=column, row=7))
    assert message.startswith("media.csv row 7, column 'ccc")
    assert "(5,000 characters)" in message and "(200,000 characters)" in message
    assert len(message) < 3 * LONGEST_NAME
    assert str(InputError("m.csv", "found ['TV', 'SEM'] with spaces")) == "m.csv: found ['TV', 'SEM'] with spaces"


def test_an_input_error_crosses_a_process_boundary_as_itself():
    """Training fits in worker processes; an InputError raised there must reach the user unchanged."""
    import pickle

    from joblib import Parallel, delayed

    error = InputError("transforms.csv", "unknown channel(s) ['TV']", column="channel", row=3)
    again = pickle.loads(pickle.dumps(error))
    assert (type(again), str(again), again.file, again.message, again.column, again.row) == (
        InputError,
        str(error),
        "transforms.csv",
        error.message,
        "channel",
        3,
    )

    from gmvplanner.library.store import LibraryError

    taken = pickle.loads(pickle.dumps(LibraryError("the name 'Q3' is taken")))
    assert type(taken) is LibraryError and taken.message == "the name 'Q3' is taken"

    def refuse() -> None:
        raise error

    try:
        Parallel(n_jobs=2)([delayed(refuse)(), delayed(len)("ok")])
    except InputError as raised:
        assert str(raised) == str(error)
    else:
        raise AssertionError("the worker's InputError was lost")
