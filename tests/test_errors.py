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
