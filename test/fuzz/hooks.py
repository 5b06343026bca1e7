"""Checks of the API's promises that the OpenAPI document cannot state (loaded by test/api/fuzz.test.ts)."""

import sys

import schemathesis

# Hypothesis describes its strategies by parsing their source; for the order body the stack gets deep
# enough that Python 3.11's AST builder hits the recursion limit and fails with "AST constructor recursion
# depth mismatch" (CPython gh-106905) instead of a clean RecursionError. More headroom avoids it.
sys.setrecursionlimit(20_000)

CLIENT_ERROR_BUDGET_S = 1.0


@schemathesis.check
def client_error_within_one_second(ctx, response, case):
    """A malformed or refused request is answered within a second: a client error never waits on a dependency."""
    if 400 <= response.status_code < 500 and response.elapsed > CLIENT_ERROR_BUDGET_S:
        raise AssertionError(
            f"{response.status_code} after {response.elapsed:.2f} s; "
            f"a client error must be answered within {CLIENT_ERROR_BUDGET_S:.0f} s"
        )
