"""Checks of the API's promises that the OpenAPI document cannot state (loaded by test/api/fuzz.test.ts)."""

from hypothesis.internal import lambda_sources

import schemathesis

CLIENT_ERROR_BUDGET_S = 1.0

# Hypothesis names the lambdas inside a strategy by parsing their module's source, even just to build a
# strategy's repr. Deep in a draw, Python 3.11's AST builder can fail there with "AST constructor recursion
# depth mismatch" (a SystemError), which aborts the whole operation's run. The name only decorates
# messages, so a failure to find it falls back to a plain one.
_describe_lambda = lambda_sources._lambda_description


def _lambda_description_or_plain(f, *args, **kwargs):
    try:
        return _describe_lambda(f, *args, **kwargs)
    except (SystemError, RecursionError):
        return "lambda: <source not shown>"


lambda_sources._lambda_description = _lambda_description_or_plain


@schemathesis.check
def client_error_within_one_second(ctx, response, case):
    """A malformed or refused request is answered within a second: a client error never waits on a dependency."""
    if 400 <= response.status_code < 500 and response.elapsed > CLIENT_ERROR_BUDGET_S:
        raise AssertionError(
            f"{response.status_code} after {response.elapsed:.2f} s; "
            f"a client error must be answered within {CLIENT_ERROR_BUDGET_S:.0f} s"
        )
