"""The safe expression parser: round-trips against a reference evaluation, exact derivatives,
and hostile inputs that must all be rejected quickly with nothing executed."""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from approxlab.theory.core import targets
from approxlab.theory.core.expressions import (
    MAX_LENGTH,
    ExpressionError,
    compile_expression,
)

X = np.linspace(0.0, 1.0, 257)


# --------------------------------------------------------------------------- expression trees


@dataclass(frozen=True)
class Tree:
    """A test-side expression tree: rendered to text and evaluated independently of the
    parser, with plain numpy."""

    op: str
    args: tuple = ()
    value: float = 0.0


UNARY = {"sin": np.sin, "cos": np.cos, "tanh": np.tanh, "abs": np.abs}
CMP = {"<": np.less, "<=": np.less_equal, ">": np.greater, ">=": np.greater_equal}
PREC = {"cmp": 0, "+": 1, "-": 1, "*": 2, "/": 2, "neg": 3, "^": 4}


def reference(t: Tree, x: np.ndarray) -> np.ndarray:
    a = [reference(c, x) for c in t.args]
    if t.op == "num":
        return np.full_like(x, t.value)
    if t.op == "x":
        return x
    if t.op in ("pi", "e"):
        return np.full_like(x, np.pi if t.op == "pi" else np.e)
    if t.op == "neg":
        return -a[0]
    if t.op in UNARY:
        return UNARY[t.op](a[0])
    if t.op == "sqrtabs":
        return np.sqrt(np.abs(a[0]))
    if t.op == "log1p2":
        return np.log(1.0 + a[0] * a[0])
    if t.op == "exptanh":
        return np.exp(np.tanh(a[0]))
    if t.op == "+":
        return a[0] + a[1]
    if t.op == "-":
        return a[0] - a[1]
    if t.op == "*":
        return a[0] * a[1]
    if t.op == "/":  # safe division, rendered as a / (1 + b^2)
        return a[0] / (1.0 + a[1] ** 2.0)
    if t.op == "^":
        return a[0] ** t.value
    if t.op in CMP:
        return CMP[t.op](a[0], a[1]).astype(float)
    if t.op == "min":
        return np.minimum(a[0], a[1])
    if t.op == "max":
        return np.maximum(a[0], a[1])
    if t.op == "clip":
        return np.minimum(np.maximum(a[0], a[1]), a[2])
    if t.op == "where":
        return np.where(a[0] != 0, a[1], a[2])
    raise AssertionError(t.op)


def render_full(t: Tree, power: str = "^") -> str:
    """Fully parenthesized text."""
    r = [render_full(c, power) for c in t.args]
    if t.op == "num":
        return repr(t.value)
    if t.op in ("x", "pi", "e"):
        return t.op
    if t.op == "neg":
        return f"(-{r[0]})"
    if t.op in UNARY:
        return f"{t.op}({r[0]})"
    if t.op == "sqrtabs":
        return f"sqrt(abs({r[0]}))"
    if t.op == "log1p2":
        return f"log(1+({r[0]})*({r[0]}))"
    if t.op == "exptanh":
        return f"exp(tanh({r[0]}))"
    if t.op == "/":
        return f"({r[0]}/(1+({r[1]}){power}2))"
    if t.op == "^":
        return f"(({r[0]}){power}{int(t.value)})"
    if t.op in ("+", "-", "*") or t.op in CMP:
        return f"({r[0]}{t.op}{r[1]})"
    return f"{t.op}({', '.join(r)})"


def render_min(t: Tree) -> str:
    """Text with only the parentheses precedence requires — exercises the parser's
    precedence and associativity (left for + - * /, right for ^, ^ above unary minus)."""
    if t.op in ("+", "-", "*", "cmp") or t.op in CMP:
        p = PREC["cmp"] if t.op in CMP else PREC[t.op]
        left, right = t.args
        ls, rs = render_min(left), render_min(right)
        if _prec(left) < p or (t.op in CMP and _prec(left) == p):
            ls = f"({ls})"
        if _prec(right) <= p:
            rs = f"({rs})"
        return f"{ls}{t.op}{rs}"
    if t.op == "neg":
        s = render_min(t.args[0])
        return f"-{s}" if _prec(t.args[0]) >= PREC["neg"] else f"-({s})"
    if t.op == "^":
        s = render_min(t.args[0])
        return f"{s if _prec(t.args[0]) > PREC['^'] else f'({s})'}^{int(t.value)}"
    return render_full(t)


def _prec(t: Tree) -> int:
    if t.op in CMP:
        return PREC["cmp"]
    return PREC.get(t.op, 9)


numbers = st.floats(0.0, 20.0, allow_nan=False).map(lambda v: round(v, 3))
leaves = st.one_of(
    numbers.map(lambda v: Tree("num", value=v)),
    st.just(Tree("x")),
    st.sampled_from([Tree("pi"), Tree("e")]),
)


def _extend(children):
    one = children.map(lambda c: (c,))
    two = st.tuples(children, children)
    three = st.tuples(children, children, children)
    return st.one_of(
        st.builds(lambda a, op: Tree(op, a), one, st.sampled_from([*UNARY, "neg", "sqrtabs"])),
        st.builds(lambda a, op: Tree(op, a), one, st.sampled_from(["log1p2", "exptanh"])),
        st.builds(
            lambda a, op: Tree(op, a), two, st.sampled_from(["+", "-", "*", "/", "min", "max"])
        ),
        st.builds(lambda a, op: Tree(op, a), two, st.sampled_from(list(CMP))),
        st.builds(lambda a, k: Tree("^", a, float(k)), one, st.integers(0, 3)),
        st.builds(lambda a, op: Tree(op, a), three, st.sampled_from(["clip", "where"])),
    )


trees = st.recursive(leaves, _extend, max_leaves=12)


@settings(max_examples=150, deadline=None)
@given(tree=trees, power=st.sampled_from(["^", "**"]))
def test_round_trip_fully_parenthesized(tree, power):
    text = render_full(tree, power)
    assume(len(text) <= MAX_LENGTH)
    with np.errstate(all="ignore"):
        want = reference(tree, X)
    assume(np.all(np.isfinite(want)))
    expr = compile_expression(text)
    assert expr.text == text and expr.variables == ("x",)
    np.testing.assert_allclose(expr(X), want, rtol=1e-12, atol=1e-12)


@settings(max_examples=150, deadline=None)
@given(tree=trees)
def test_round_trip_minimal_parentheses(tree):
    text = render_min(tree)
    assume(len(text) <= MAX_LENGTH)
    with np.errstate(all="ignore"):
        want = reference(tree, X)
    assume(np.all(np.isfinite(want)))
    np.testing.assert_allclose(compile_expression(text)(X), want, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize(
    ("text", "want"),
    [
        ("-x^2", lambda x: -(x**2)),
        ("2^3^2", lambda x: np.full_like(x, 512.0)),
        ("2**3**2", lambda x: np.full_like(x, 512.0)),
        ("2^-1", lambda x: np.full_like(x, 0.5)),
        ("x^2+1", lambda x: x**2 + 1),  # not x^(2+1) as Python's ^ would parse it
        ("1-2-3", lambda x: np.full_like(x, -4.0)),
        ("8/4/2", lambda x: np.full_like(x, 1.0)),
        ("-2*x", lambda x: -2 * x),
        ("+x", lambda x: x),
        ("--x", lambda x: x),
        ("(x > 0.5)*x", lambda x: (x > 0.5) * x),
        ("where(x < 0.5, x, 1 - x)", lambda x: np.minimum(x, 1 - x)),
        ("x < 0.5 + 0.1", lambda x: (x < 0.6).astype(float)),
        ("max(x, 0.2, 1 - x)", lambda x: np.maximum.reduce([x, np.full_like(x, 0.2), 1 - x])),
        ("clip(2*x, 0.2, 0.7)", lambda x: np.clip(2 * x, 0.2, 0.7)),
        (".5e1 + 1e-3 + 2.", lambda x: np.full_like(x, 7.001)),
        ("pi*e", lambda x: np.full_like(x, np.pi * np.e)),
        ("\tx *  sin( 8 * x )", lambda x: x * np.sin(8 * x)),
    ],
)
def test_precedence_and_semantics(text, want):
    np.testing.assert_allclose(compile_expression(text)(X), want(X), rtol=1e-14, atol=1e-15)


def test_broadcasting_and_several_variables():
    e = compile_expression("x1*x2 - x3", ("x1", "x2", "x3"))
    a, b = np.linspace(0, 1, 5)[:, None], np.linspace(0, 1, 3)[None, :]
    out = e(a, b, 0.5)
    assert out.shape == (5, 3)
    np.testing.assert_allclose(out, a * b - 0.5)
    assert compile_expression("2")(X).shape == X.shape  # constants broadcast
    g = e.gradient(a, b, 0.5)
    np.testing.assert_allclose(g[0], np.broadcast_to(b, (5, 3)))
    np.testing.assert_allclose(g[1], np.broadcast_to(a, (5, 3)))
    np.testing.assert_allclose(g[2], -1.0)
    with pytest.raises(ExpressionError, match="unknown name 'x4'"):
        compile_expression("x4", ("x1", "x2", "x3"))


# --------------------------------------------------------------------------- derivatives


@pytest.mark.parametrize(
    ("text", "d1", "d2"),
    [
        (
            "x*sin(8*x)",
            lambda x: np.sin(8 * x) + 8 * x * np.cos(8 * x),
            lambda x: 16 * np.cos(8 * x) - 64 * x * np.sin(8 * x),
        ),
        ("exp(-x^2)/(1+x)", None, None),
        ("tan(x)", lambda x: 1 / np.cos(x) ** 2, lambda x: 2 * np.tan(x) / np.cos(x) ** 2),
        ("log(1+x)", lambda x: 1 / (1 + x), lambda x: -1 / (1 + x) ** 2),
        ("sqrt(1+x)", lambda x: 0.5 / np.sqrt(1 + x), lambda x: -0.25 * (1 + x) ** -1.5),
        ("tanh(3*x)", lambda x: 3 / np.cosh(3 * x) ** 2, None),
        ("(1+x)^(x)", None, None),
        (
            "x^3 - 2^x",
            lambda x: 3 * x**2 - np.log(2) * 2**x,
            lambda x: 6 * x - np.log(2) ** 2 * 2**x,
        ),
        ("cos(x)^2", lambda x: -np.sin(2 * x), lambda x: -2 * np.cos(2 * x)),
    ],
)
def test_derivatives_are_exact(text, d1, d2):
    e = compile_expression(text)
    x = np.linspace(0.01, 0.99, 397)
    v, g1, g2 = e.derivatives(x)
    np.testing.assert_allclose(v, e(x))
    h = 1e-5
    fd1 = (e(x + h) - e(x - h)) / (2 * h)
    fd2 = (e(x + h) - 2 * e(x) + e(x - h)) / h**2
    np.testing.assert_allclose(g1, fd1, rtol=1e-7, atol=1e-7)
    np.testing.assert_allclose(g2, fd2, rtol=1e-4, atol=1e-4)
    if d1 is not None:
        np.testing.assert_allclose(g1, d1(x), rtol=1e-12, atol=1e-12)
    if d2 is not None:
        np.testing.assert_allclose(g2, d2(x), rtol=1e-12, atol=1e-11)


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("sin(2*pi*x)", "sin"),
        ("x^2", "square"),
        ("0.2 + 0.4*x^2 + 0.3*x*sin(15*x) + 0.05*cos(50*x)", "nielsen"),
        ("1/2 + tanh(30*(x - 1/2))/2", "plateau"),
    ],
)
def test_custom_targets_match_the_library(text, name):
    """A custom expression of a library target has the same values, exact derivatives,
    Lipschitz constant, variation and critical points."""
    c, t = targets.custom(text), targets.get(name)
    assert c.estimated and not t.estimated
    x = np.linspace(0, 1, 1001)
    np.testing.assert_allclose(c(x), t(x), rtol=1e-13, atol=1e-14)
    np.testing.assert_allclose(c.df(x), t.df(x), rtol=1e-12, atol=1e-11)
    np.testing.assert_allclose(c.d2f(x), t.d2f(x), rtol=1e-11, atol=1e-9)
    assert targets.lipschitz(c) == pytest.approx(targets.lipschitz(name), rel=1e-12)
    assert targets.variation(c) == pytest.approx(targets.variation(name), rel=1e-12)
    np.testing.assert_allclose(
        targets.critical_points(c), targets.critical_points(name), atol=1e-12
    )


def test_custom_targets_must_be_lipschitz_where_required():
    assert targets.checked_lipschitz(targets.custom("abs(x - 0.3)")) == pytest.approx(1.0)
    assert targets.checked_lipschitz(targets.custom("clip(2*x, 0.2, 0.7)")) == pytest.approx(2)
    with pytest.raises(ExpressionError, match="not finite at x = 0"):
        targets.checked_lipschitz(targets.custom("sqrt(x)"))
    with pytest.raises(ExpressionError, match=r"jumps near x = 0\.5"):
        targets.checked_lipschitz(targets.custom("(x > 0.5)*x"))
    with pytest.raises(ExpressionError, match="jumps"):
        targets.checked_lipschitz(targets.custom("where(x < 0.25, 0, 1)"))


# --------------------------------------------------------------------------- hostile inputs

HOSTILE = [
    "__import__('os')",
    "__import__",
    "__builtins__",
    "().__class__",
    "().__class__.__bases__[0].__subclasses__()",
    "x.__class__",
    "x.real",
    "sin.__globals__",
    "lambda x: x",
    "lambda: 1",
    "[x for x in range(9)]",
    "{x for x in (1,)}",
    "(x for x in (1,))",
    "9**9**9",
    "9^9^9",
    "10**400",
    "x" * 10_000,
    "(" * 500 + "x" + ")" * 500,
    "(" * 90 + "x" + ")" * 90,
    "-" * 150 + "x",
    "sin(" * 40 + "x" + ")" * 40,
    "x+" * 99 + "x",
    "1" * 150,
    "1" * 30,
    "1e999",
    "0.0000000000000000000000001e-30",
    "open('/etc/passwd')",
    "open",
    "eval('1')",
    "exec('import os')",
    "compile('1', '', 'eval')",
    "getattr(x, 'y')",
    "globals()",
    "os.system('ls')",
    "import os",
    "x; import os",
    "x\n__import__('os')",
    "x if x else 1",
    "(x := 1)",
    "sin(x=1)",
    "sin(*[x])",
    "max(**{})",
    "f'{x}'",
    "b'x'",
    "'x'",
    "x[0]",
    "x == 1",
    "x != 1",
    "x @ x",
    "x % 2",
    "~x",
    "x & 1",
    "x | 1",
    "x >> 1",
    "1_000",
    "0x10",
    "True",
    "None",
    "...",
    "ｘ",  # full-width x
    "ｓｉｎ(x)",
    "x²",
    "x\u2212 1",  # Unicode minus
    "sin\u200b(x)",  # zero-width space
    "𝑥",  # mathematical italic x
    "x\x00",
    "\\x41",
    "sin",
    "sin(x, x)",
    "where(x, 1)",
    "min(x)",
    "x y",
    "2x",
    "",
    "   ",
    "(x",
    "x)",
    "x**",
    "1 < x < 2",
    "log(0)",
    "0/0",
    "1/0",
    "log(x)",
    "1/x",
    "sqrt(x - 2)",
    "exp(exp(exp(x)))",
    "exp(1000*x)",
    "(2+x)^1000000",
    "10^6*10^6*x",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_inputs_are_rejected_quickly(text):
    t0 = time.perf_counter()
    with pytest.raises(ExpressionError) as info:
        compile_expression(text).check_finite(np.linspace(0, 1, 8193))
    elapsed = time.perf_counter() - t0
    # generous wall-clock limit (shared CI cores): catches blow-ups, not milliseconds
    assert elapsed < 0.5, f"{text[:40]!r} took {elapsed * 1e3:.1f} ms"
    assert str(info.value)  # a message, pointing at the problem
    if info.value.position is not None:
        assert 0 <= info.value.position <= len(text)


def test_nothing_is_executed(monkeypatch):
    """The parser never reaches eval/exec/compile, even for valid input."""
    import builtins

    def forbidden(*args, **kwargs):
        raise AssertionError("eval/exec/compile called")

    for name in ("eval", "exec", "compile", "__import__"):
        monkeypatch.setattr(builtins, name, forbidden)
    e = compile_expression("x*sin(8*x) + where(x < 0.5, x^2, sqrt(x)) + pi*e - 1.5e-3")
    assert np.isfinite(e(X)).all()
    with pytest.raises(ExpressionError):
        compile_expression("__import__('os').system('echo pwned')")


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ("x + foo", 5),
        ("x + (1", 7),
        ("x.y", 2),
        ("x + ²", 5),
        ("sin x", 5),
        ("2 * * x", 5),
    ],
)
def test_messages_point_at_the_problem(text, where):
    with pytest.raises(ExpressionError) as info:
        compile_expression(text)
    assert info.value.position == where - 1
    assert f"position {where}" in str(info.value)
