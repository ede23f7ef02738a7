"""Safe arithmetic expressions for user-supplied targets: a whitelist parser compiled to numpy.

A lecturer types ``x*sin(8*x)``; this module turns the text into a vectorized numpy function
without ever handing user text to ``eval``, ``exec`` or ``compile``.  The text is tokenized
by hand (ASCII only), parsed by recursive descent into a small tree of node objects, and the
tree is evaluated with numpy ufuncs.  Only the following exist:

- numbers (``2``, ``0.5``, ``.5``, ``1e-3``; at most :data:`MAX_LITERAL_CHARS` characters
  and magnitude at most :data:`MAX_LITERAL`), the constants ``pi`` and ``e``, and the
  variables the caller names (``x``, or ``x1, …, xd``);
- ``+ - * /``, powers ``^`` or ``**`` (right-associative, binding tighter than unary minus:
  ``-x^2 = -(x^2)``, ``2^3^2 = 2^9``), unary ``-``/``+``, parentheses;
- comparisons ``< <= > >=`` (value 1.0 or 0.0; not chained), usable as indicators
  ``(x > 0.5)*x`` or in ``where(cond, a, b)``;
- the functions ``sin cos tan exp log sqrt abs tanh`` (one argument), ``min max`` (two or
  more), ``clip(a, lo, hi)`` and ``where(cond, a, b)``.

Everything else — attribute access, subscripts, strings, keywords, lambdas, comprehensions,
keyword or starred arguments, unknown names, non-ASCII characters (full-width letters,
``²``, the Unicode minus) — is an :class:`ExpressionError` whose message points at the
position.  Limits keep every request cheap: :data:`MAX_LENGTH` characters,
:data:`MAX_DEPTH` levels of nesting, :data:`MAX_NODES` nodes.  Constant subexpressions are
folded at compile time, so ``9**9**9`` is rejected as an overflow in microseconds.
:meth:`Expression.check_finite` evaluates on a domain grid and rejects NaN, ±inf and values
beyond :data:`MAX_VALUE`.

:meth:`Expression.derivatives` differentiates the tree exactly (forward-mode automatic
differentiation with second-order jets), so custom targets get g′ and g″ without finite
differences; at kinks (``abs``, ``min``, ``max``, ``clip``, ``where``, comparisons) the
derivative of the active branch is taken, like ``np.sign`` for ``|x|``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import ClassVar

import numpy as np

#: Longest accepted expression (characters).
MAX_LENGTH = 200
#: Deepest nesting of parentheses, calls, unary signs and exponents.
MAX_DEPTH = 20
#: Most nodes (numbers, names, operators, calls) in one expression.
MAX_NODES = 128
#: Largest magnitude of a number literal.
MAX_LITERAL = 1e6
#: Longest number literal (characters).
MAX_LITERAL_CHARS = 24
#: Largest magnitude an expression may take on its domain (:meth:`Expression.check_finite`).
MAX_VALUE = 1e6

CONSTANTS: dict[str, float] = {"pi": float(np.pi), "e": float(np.e)}

Array = np.ndarray
Value = Array | float
Jet = tuple[Value, Value, Value]  # value, first and second directional derivative


class ExpressionError(ValueError):
    """A rejected expression; ``position`` is the 0-based index of the offending character
    (``None`` when the problem is not at one place, e.g. the length)."""

    def __init__(self, message: str, position: int | None = None):
        super().__init__(message)
        self.position = position


# --------------------------------------------------------------------------- functions

_Unary = tuple[Callable[[Value], Value], Callable[[Value, Value], Value], Callable]


def _unary_table() -> dict[str, _Unary]:
    """name → (f, f′(u, f(u)), f″(u, f(u)))."""
    return {
        "sin": (np.sin, lambda u, v: np.cos(u), lambda u, v: -v),
        "cos": (np.cos, lambda u, v: -np.sin(u), lambda u, v: -v),
        "tan": (np.tan, lambda u, v: 1.0 + v * v, lambda u, v: 2.0 * v * (1.0 + v * v)),
        "exp": (np.exp, lambda u, v: v, lambda u, v: v),
        "log": (np.log, lambda u, v: 1.0 / u, lambda u, v: -1.0 / (u * u)),
        "sqrt": (np.sqrt, lambda u, v: 0.5 / v, lambda u, v: -0.25 / (v * u)),
        "abs": (np.abs, lambda u, v: np.sign(u), lambda u, v: 0.0 * u),
        "tanh": (np.tanh, lambda u, v: 1.0 - v * v, lambda u, v: -2.0 * v * (1.0 - v * v)),
    }


UNARY_FUNCTIONS: dict[str, _Unary] = _unary_table()
#: name → (fewest, most) arguments; ``None`` = no upper limit.
ARITY: dict[str, tuple[int, int | None]] = {
    **{name: (1, 1) for name in UNARY_FUNCTIONS},
    "min": (2, None),
    "max": (2, None),
    "clip": (3, 3),
    "where": (3, 3),
}
FUNCTIONS: tuple[str, ...] = tuple(ARITY)

_HINTS = {
    ".": "attribute access is not allowed",
    "[": "subscripts and lists are not allowed",
    "]": "subscripts and lists are not allowed",
    "{": "braces are not allowed",
    "}": "braces are not allowed",
    "=": "assignment and == are not allowed; comparisons are <, <=, >, >=",
    "!": "only <, <=, >, >= compare",
    "'": "strings are not allowed",
    '"': "strings are not allowed",
    ":": "lambdas, slices and := are not allowed",
    ";": "only one expression is allowed",
    "&": "use (a)*(b) for 'and'",
    "|": "use abs(…) for |…|",
    "%": "% is not supported",
    "@": "@ is not supported",
    "~": "~ is not supported",
    "#": "comments are not allowed",
    "\\": "backslashes are not allowed",
    "`": "backticks are not allowed",
    "$": "'$' is not allowed",
}


# --------------------------------------------------------------------------- tokens


@dataclass(frozen=True)
class _Token:
    kind: str  # "num", "name", "op", "end"
    text: str
    pos: int
    value: float = 0.0


def _tokenize(text: str) -> list[_Token]:
    tokens: list[_Token] = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c in " \t":
            i += 1
            continue
        if not c.isascii():
            raise ExpressionError(
                f"non-ASCII character {c!r} (U+{ord(c):04X}) at position {i + 1}; "
                "use plain ASCII: ^ for powers, - for minus, letters a–z",
                i,
            )
        if c.isdigit() or (c == "." and i + 1 < n and text[i + 1].isdigit()):
            j = i
            while j < n and text[j].isdigit():
                j += 1
            if j < n and text[j] == ".":
                j += 1
                while j < n and text[j].isdigit():
                    j += 1
            if j < n and text[j] in "eE":
                k = j + 1
                if k < n and text[k] in "+-":
                    k += 1
                if k < n and text[k].isdigit():
                    while k < n and text[k].isdigit():
                        k += 1
                    j = k
            lit = text[i:j]
            if len(lit) > MAX_LITERAL_CHARS:
                raise ExpressionError(
                    f"number at position {i + 1} is {len(lit)} characters long "
                    f"(at most {MAX_LITERAL_CHARS})",
                    i,
                )
            value = float(lit)  # digits, '.', 'e', sign only: a plain float literal
            if not abs(value) <= MAX_LITERAL:
                raise ExpressionError(
                    f"number {lit} at position {i + 1} is too large (|number| ≤ {MAX_LITERAL:g})",
                    i,
                )
            tokens.append(_Token("num", lit, i, value))
            i = j
        elif c.isalpha() or c == "_":
            j = i
            while j < n and text[j].isascii() and (text[j].isalnum() or text[j] == "_"):
                j += 1
            tokens.append(_Token("name", text[i:j], i))
            i = j
        elif text.startswith(("**", "<=", ">="), i):
            tokens.append(_Token("op", text[i : i + 2], i))
            i += 2
        elif c in "+-*/^(),<>":
            tokens.append(_Token("op", c, i))
            i += 1
        else:
            hint = _HINTS.get(c, "only numbers, names, + - * / ^ ( ) , < <= > >= are allowed")
            shown = repr(c) if c.isprintable() else f"U+{ord(c):04X}"
            raise ExpressionError(f"unexpected character {shown} at position {i + 1}: {hint}", i)
    tokens.append(_Token("end", "", n))
    return tokens


# --------------------------------------------------------------------------- nodes


class _Node:
    """A node of the compiled tree.  ``value`` evaluates it on the variables' arrays;
    ``jet`` also carries the first and second derivative along a direction."""

    pos: int = 0

    def value(self, xs: Sequence[Array]) -> Value:
        raise NotImplementedError

    def jet(self, xs: Sequence[Array], dxs: Sequence[float]) -> Jet:
        raise NotImplementedError


class _Const(_Node):
    def __init__(self, c: float, pos: int):
        self.c, self.pos = np.float64(c), pos  # numpy scalar: 1/0 gives inf, not an exception

    def value(self, xs):
        return self.c

    def jet(self, xs, dxs):
        return self.c, 0.0, 0.0


class _Var(_Node):
    def __init__(self, index: int, pos: int):
        self.index, self.pos = index, pos

    def value(self, xs):
        return xs[self.index]

    def jet(self, xs, dxs):
        return xs[self.index], dxs[self.index], 0.0


class _Neg(_Node):
    def __init__(self, a: _Node, pos: int):
        self.a, self.pos = a, pos

    def value(self, xs):
        return -self.a.value(xs)

    def jet(self, xs, dxs):
        v, d1, d2 = self.a.jet(xs, dxs)
        return -v, -d1, -d2


class _Func(_Node):
    def __init__(self, name: str, a: _Node, pos: int):
        self.name, self.a, self.pos = name, a, pos
        self.f, self.df, self.d2f = UNARY_FUNCTIONS[name]

    def value(self, xs):
        return self.f(self.a.value(xs))

    def jet(self, xs, dxs):
        u, u1, u2 = self.a.jet(xs, dxs)
        v = self.f(u)
        g1 = self.df(u, v)
        return v, g1 * u1, self.d2f(u, v) * u1 * u1 + g1 * u2


class _Binary(_Node):
    def __init__(self, op: str, a: _Node, b: _Node, pos: int):
        self.op, self.a, self.b, self.pos = op, a, b, pos

    def value(self, xs):
        a, b = self.a.value(xs), self.b.value(xs)
        if self.op == "+":
            return a + b
        if self.op == "-":
            return a - b
        if self.op == "*":
            return a * b
        if self.op == "/":
            return a / b
        return np.power(a, b)

    def jet(self, xs, dxs):
        a, a1, a2 = self.a.jet(xs, dxs)
        if self.op == "^" and isinstance(self.b, _Const):
            return _power_jet(a, a1, a2, self.b.c)
        b, b1, b2 = self.b.jet(xs, dxs)
        if self.op == "+":
            return a + b, a1 + b1, a2 + b2
        if self.op == "-":
            return a - b, a1 - b1, a2 - b2
        if self.op == "*":
            return a * b, a1 * b + a * b1, a2 * b + 2.0 * a1 * b1 + a * b2
        if self.op == "/":
            q = a / b
            q1 = (a1 - q * b1) / b
            return q, q1, (a2 - 2.0 * q1 * b1 - q * b2) / b
        # a^b = exp(b·log a) for a variable exponent (derivatives need a > 0)
        v = np.power(a, b)
        la, la1, la2 = np.log(a), a1 / a, (a2 * a - a1 * a1) / (a * a)
        m1 = b1 * la + b * la1
        m2 = b2 * la + 2.0 * b1 * la1 + b * la2
        return v, v * m1, v * (m2 + m1 * m1)


def _power_jet(a: Value, a1: Value, a2: Value, c: float) -> Jet:
    """Jet of ``a^c`` for a constant exponent ``c``."""
    if c == 0.0:
        return np.power(a, 0.0), 0.0, 0.0
    if c == 1.0:
        return a, a1, a2
    v = np.power(a, c)
    g1 = c * np.power(a, c - 1.0)
    g2 = c * (c - 1.0) * np.power(a, c - 2.0)
    return v, g1 * a1, g2 * a1 * a1 + g1 * a2


class _Compare(_Node):
    _OPS: ClassVar[dict[str, np.ufunc]] = {
        "<": np.less,
        "<=": np.less_equal,
        ">": np.greater,
        ">=": np.greater_equal,
    }

    def __init__(self, op: str, a: _Node, b: _Node, pos: int):
        self.op, self.a, self.b, self.pos = op, a, b, pos
        self.fn = self._OPS[op]

    def value(self, xs):
        return self.fn(self.a.value(xs), self.b.value(xs)).astype(float)

    def jet(self, xs, dxs):
        return self.value(xs), 0.0, 0.0


def _select(mask: Value, p: Jet, q: Jet) -> Jet:
    return tuple(np.where(mask, pi, qi) for pi, qi in zip(p, q, strict=True))  # type: ignore[return-value]


class _MinMax(_Node):
    def __init__(self, name: str, args: list[_Node], pos: int):
        self.name, self.args, self.pos = name, args, pos

    def value(self, xs):
        fn = np.minimum if self.name == "min" else np.maximum
        out = self.args[0].value(xs)
        for a in self.args[1:]:
            out = fn(out, a.value(xs))
        return out

    def jet(self, xs, dxs):
        out = self.args[0].jet(xs, dxs)
        for a in self.args[1:]:
            nxt = a.jet(xs, dxs)
            keep = out[0] <= nxt[0] if self.name == "min" else out[0] >= nxt[0]
            out = _select(keep, out, nxt)
        return out


class _Clip(_Node):
    def __init__(self, a: _Node, lo: _Node, hi: _Node, pos: int):
        self.a, self.lo, self.hi, self.pos = a, lo, hi, pos

    def value(self, xs):
        return np.minimum(np.maximum(self.a.value(xs), self.lo.value(xs)), self.hi.value(xs))

    def jet(self, xs, dxs):
        a, lo, hi = self.a.jet(xs, dxs), self.lo.jet(xs, dxs), self.hi.jet(xs, dxs)
        m = _select(a[0] >= lo[0], a, lo)
        return _select(m[0] <= hi[0], m, hi)


class _Where(_Node):
    def __init__(self, cond: _Node, a: _Node, b: _Node, pos: int):
        self.cond, self.a, self.b, self.pos = cond, a, b, pos

    def value(self, xs):
        return np.where(self.cond.value(xs) != 0, self.a.value(xs), self.b.value(xs))

    def jet(self, xs, dxs):
        return _select(self.cond.value(xs) != 0, self.a.jet(xs, dxs), self.b.jet(xs, dxs))


# --------------------------------------------------------------------------- parser


class _Parser:
    """Recursive descent; precedence from low to high: comparison, + -, * /, unary - +, ^."""

    def __init__(self, text: str, variables: tuple[str, ...]):
        self.text = text
        self.variables = variables
        self.tokens = _tokenize(text)
        self.i = 0
        self.depth = 0
        self.nodes = 0

    # -- helpers
    @property
    def tok(self) -> _Token:
        return self.tokens[self.i]

    def _is_op(self, *ops: str) -> bool:
        return self.tok.kind == "op" and self.tok.text in ops

    def _error(self, message: str, tok: _Token | None = None) -> ExpressionError:
        tok = tok or self.tok
        return ExpressionError(f"{message} at position {tok.pos + 1}", tok.pos)

    def _describe(self, tok: _Token) -> str:
        return "the end of the expression" if tok.kind == "end" else repr(tok.text)

    def _enter(self) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise self._error(f"expression nested deeper than {MAX_DEPTH} levels")

    def _leave(self) -> None:
        self.depth -= 1

    def _node(self, node: _Node) -> _Node:
        self.nodes += 1
        if self.nodes > MAX_NODES:
            raise ExpressionError(
                f"expression has more than {MAX_NODES} numbers, names and operators", node.pos
            )
        return _fold(node, self.text)

    def _expect(self, op: str, opened: _Token | None = None) -> None:
        if not self._is_op(op):
            what = f"expected {op!r}"
            if opened is not None:
                what += f" to close {opened.text!r} from position {opened.pos + 1}"
            raise self._error(f"{what}, found {self._describe(self.tok)}")
        self.i += 1

    # -- grammar
    def parse(self) -> _Node:
        if self.tok.kind == "end":
            raise ExpressionError("the expression is empty", 0)
        node = self.comparison()
        if self.tok.kind != "end":
            tok = self.tok
            hint = ""
            if tok.kind in ("name", "num") or self._is_op("("):
                hint = " (write * for multiplication)"
            raise self._error(f"unexpected {self._describe(tok)}{hint}", tok)
        return node

    def comparison(self) -> _Node:
        self._enter()
        left = self.additive()
        if self._is_op("<", "<=", ">", ">="):
            tok = self.tok
            self.i += 1
            right = self.additive()
            if self._is_op("<", "<=", ">", ">="):
                raise self._error("chained comparisons are not allowed; write (a < x)*(x < b)")
            left = self._node(_Compare(tok.text, left, right, tok.pos))
        self._leave()
        return left

    def additive(self) -> _Node:
        left = self.term()
        while self._is_op("+", "-"):
            tok = self.tok
            self.i += 1
            left = self._node(_Binary(tok.text, left, self.term(), tok.pos))
        return left

    def term(self) -> _Node:
        left = self.unary()
        while self._is_op("*", "/"):
            tok = self.tok
            self.i += 1
            if self._is_op("*", "/"):
                raise self._error(f"unexpected {self.tok.text!r}")
            left = self._node(_Binary(tok.text, left, self.unary(), tok.pos))
        return left

    def unary(self) -> _Node:
        if self._is_op("-", "+"):
            tok = self.tok
            self.i += 1
            self._enter()
            operand = self.unary()
            self._leave()
            return operand if tok.text == "+" else self._node(_Neg(operand, tok.pos))
        return self.power()

    def power(self) -> _Node:
        base = self.primary()
        if self._is_op("^", "**"):
            tok = self.tok
            self.i += 1
            self._enter()
            exponent = self.unary()
            self._leave()
            return self._node(_Binary("^", base, exponent, tok.pos))
        return base

    def primary(self) -> _Node:
        tok = self.tok
        if tok.kind == "num":
            self.i += 1
            node = self._node(_Const(tok.value, tok.pos))
            if self.tok.kind == "name":
                raise self._error(
                    f"unexpected name {self.tok.text!r} after the number {tok.text}; "
                    f"write {tok.text}*{self.tok.text}"
                )
            return node
        if tok.kind == "name":
            return self._name(tok)
        if self._is_op("("):
            self.i += 1
            node = self.comparison()
            self._expect(")", tok)
            return node
        if tok.kind == "end":
            raise self._error("the expression ends too early; expected a number, name or '('")
        raise self._error(f"expected a number, name or '(' but found {tok.text!r}")

    def _name(self, tok: _Token) -> _Node:
        name = tok.text
        self.i += 1
        if name in ARITY:
            if not self._is_op("("):
                raise self._error(f"function {name!r} needs its arguments: {name}(…)")
            opened = self.tok
            self.i += 1
            self._enter()
            args = [self.comparison()]
            while self._is_op(","):
                self.i += 1
                args.append(self.comparison())
            self._expect(")", opened)
            self._leave()
            lo, hi = ARITY[name]
            if len(args) < lo or (hi is not None and len(args) > hi):
                want = f"{lo}" if lo == hi else f"at least {lo}"
                raise self._error(f"{name} takes {want} argument(s), got {len(args)}", tok)
            return self._node(_call(name, args, tok.pos))
        if name in self.variables:
            node: _Node = _Var(self.variables.index(name), tok.pos)
        elif name in CONSTANTS:
            node = _Const(CONSTANTS[name], tok.pos)
        else:
            allowed = ", ".join([*self.variables, *CONSTANTS, *FUNCTIONS])
            lower = name.lower()
            hint = f"; did you mean {lower!r}?" if lower != name and lower in ARITY else ""
            raise ExpressionError(
                f"unknown name {name!r} at position {tok.pos + 1}{hint} (allowed: {allowed})",
                tok.pos,
            )
        if self._is_op("("):
            raise self._error(f"{name!r} is not a function (write * for multiplication)")
        return self._node(node)


def _call(name: str, args: list[_Node], pos: int) -> _Node:
    if name in UNARY_FUNCTIONS:
        return _Func(name, args[0], pos)
    if name in ("min", "max"):
        return _MinMax(name, args, pos)
    if name == "clip":
        return _Clip(args[0], args[1], args[2], pos)
    return _Where(args[0], args[1], args[2], pos)


def _children(node: _Node) -> list[_Node]:
    named = [getattr(node, k) for k in ("a", "b", "lo", "hi", "cond") if hasattr(node, k)]
    return named + list(getattr(node, "args", []))


def _fold(node: _Node, text: str) -> _Node:
    """Evaluate a node whose operands are all constants, once; reject overflow and NaN."""
    kids = _children(node)
    if isinstance(node, _Const | _Var) or not kids or not all(isinstance(k, _Const) for k in kids):
        return node
    with np.errstate(all="ignore"):
        value = float(np.asarray(node.value(())))
    if not np.isfinite(value):
        start = min([node.pos, *(k.pos for k in kids)])
        raise ExpressionError(
            f"the constant part starting at position {start + 1} "
            f"({text[start : start + 24].strip()}…) evaluates to {value} (overflow or undefined)",
            start,
        )
    return _Const(value, node.pos)


# --------------------------------------------------------------------------- expressions


@dataclass(frozen=True)
class Expression:
    """A compiled expression in the named variables; call it with one array per variable.

    ``expr(x)`` evaluates elementwise with broadcasting and returns a float array of the
    broadcast shape.  Evaluation runs with floating-point warnings silenced; use
    :meth:`check_finite` on the domain to reject expressions that overflow or are undefined
    there.
    """

    text: str
    variables: tuple[str, ...]
    _root: _Node = field(repr=False, compare=False)
    #: Nodes of the parsed tree — a bound on the roundings of one evaluation.
    size: int = field(default=1, compare=False)

    @property
    def is_constant(self) -> bool:
        return isinstance(self._root, _Const)

    def _arrays(self, arrays: Sequence[np.ndarray]) -> tuple[list[Array], tuple[int, ...]]:
        if len(arrays) != len(self.variables):
            raise TypeError(
                f"expression in {', '.join(self.variables) or 'no variables'} takes "
                f"{len(self.variables)} arrays, got {len(arrays)}"
            )
        xs = [np.asarray(a, dtype=float) for a in arrays]
        return xs, np.broadcast_shapes(*(a.shape for a in xs))

    def __call__(self, *arrays: np.ndarray) -> np.ndarray:
        xs, shape = self._arrays(arrays)
        with np.errstate(all="ignore"):
            out = self._root.value(xs)
        return np.array(np.broadcast_to(out, shape), dtype=float)

    def derivatives(
        self, *arrays: np.ndarray, direction: Sequence[float] | None = None
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Value, first and second derivative along ``direction`` (default: the first
        variable), exactly by forward-mode differentiation of the tree."""
        xs, shape = self._arrays(arrays)
        if direction is None:
            direction = [1.0] + [0.0] * (len(xs) - 1)
        if len(direction) != len(xs):
            raise TypeError("direction needs one component per variable")
        with np.errstate(all="ignore"):
            jet = self._root.jet(xs, [float(d) for d in direction])
        v, d1, d2 = (np.array(np.broadcast_to(j, shape), dtype=float) for j in jet)
        return v, d1, d2

    def gradient(self, *arrays: np.ndarray) -> np.ndarray:
        """The gradient, shape ``(len(variables), *broadcast shape)``."""
        n = len(self.variables)
        return np.stack([self.derivatives(*arrays, direction=np.eye(n)[i])[1] for i in range(n)])

    def check_finite(self, *arrays: np.ndarray, bound: float = MAX_VALUE) -> np.ndarray:
        """Evaluate on a domain grid; raise :class:`ExpressionError` naming the first point
        where the value is NaN, infinite or larger than ``bound`` in magnitude."""
        values = self(*arrays)
        bad = ~(np.abs(values) <= bound)
        if bad.any():
            i = int(np.flatnonzero(bad.ravel())[0])
            xs, shape = self._arrays(arrays)
            where = ", ".join(
                f"{name} = {float(np.broadcast_to(x, shape).ravel()[i]):.6g}"
                for name, x in zip(self.variables, xs, strict=True)
            )
            v = float(values.ravel()[i])
            what = (
                "is undefined (NaN)"
                if np.isnan(v)
                else ("is infinite" if np.isinf(v) else f"is {v:.3g}, beyond ±{bound:g}")
            )
            raise ExpressionError(f"{self.text!r} {what} at {where}")
        return values


def compile_expression(text: str, variables: tuple[str, ...] = ("x",)) -> Expression:
    """Parse ``text`` with the whitelist grammar into an :class:`Expression`.

    Raises :class:`ExpressionError` (a ``ValueError``) with the position of the problem.
    Nothing in ``text`` is ever executed: it is tokenized and parsed by hand.
    """
    if not isinstance(text, str):
        raise ExpressionError("the expression must be a string")
    return _compile(text, tuple(variables))


@lru_cache(maxsize=1024)
def _compile(text: str, variables: tuple[str, ...]) -> Expression:
    if len(text) > MAX_LENGTH:
        raise ExpressionError(
            f"expression is {len(text):,} characters long; the limit is {MAX_LENGTH}"
        )
    for v in variables:
        if not (v.isascii() and v.isidentifier()) or v in CONSTANTS or v in ARITY:
            raise ValueError(f"invalid variable name {v!r}")
    parser = _Parser(text, variables)
    root = parser.parse()
    return Expression(text, variables, root, size=parser.nodes)
