"""Text that a spreadsheet shows as text: no formula ever runs from something a participant typed.

Kept apart from the pandas exports so that a participant's kernel (the budget planner's CSV
download) can use it without importing pandas.
"""

# A spreadsheet runs a cell that starts with one of these as a formula (CSV injection).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise_formula(value):
    """Text a spreadsheet will show as text, never run: a leading quote before =, +, -, @."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value
