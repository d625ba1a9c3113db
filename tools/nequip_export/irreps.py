"""The few e3nn irreps operations the exporter needs, in e3nn 0.5.1's conventions.

An irrep is a tuple (l, p), p = +1 (even, "e") or -1 (odd, "o"); tuples sort like e3nn's Irrep
(l first, then p, so 0o < 0e < 1o < 1e). Irreps are lists of (mul, (l, p)) in their given order.
"""
import re

_TERM = re.compile(r"^(?:(\d+)x)?(\d+)([eo])$")


def parse(text):
    """'64x0e+64x1o' -> [(64, (0, 1)), (64, (1, -1))]; a bare '0e' means '1x0e'."""
    out = []
    for term in str(text).replace(" ", "").split("+"):
        match = _TERM.match(term)
        if not match:
            raise ValueError(f"not an irreps string: {text!r}")
        mul = int(match.group(1)) if match.group(1) is not None else 1
        out.append((mul, (int(match.group(2)), 1 if match.group(3) == "e" else -1)))
    return out


def fmt(irreps):
    """The inverse of parse, spelled like e3nn's repr(Irreps)."""
    return "+".join(f"{mul}x{l}{'e' if p == 1 else 'o'}" for mul, (l, p) in irreps)


def simplify(irreps):
    """Merge neighbouring blocks of the same irrep and drop empty ones (Irreps.simplify)."""
    out = []
    for mul, ir in irreps:
        if out and out[-1][1] == ir:
            out[-1] = (out[-1][0] + mul, ir)
        elif mul > 0:
            out.append((mul, ir))
    return out


def sort(irreps):
    """Stable sort by irrep (Irreps.sort().irreps)."""
    return sorted(irreps, key=lambda block: block[1])


def product(ir1, ir2):
    """The irreps in ir1 x ir2, l ascending."""
    (l1, p1), (l2, p2) = ir1, ir2
    return [(l, p1 * p2) for l in range(abs(l1 - l2), l1 + l2 + 1)]


def path_exists(irreps1, irreps2, ir_out):
    """nequip's tp_path_exists: can ir_out be reached from irreps1 x irreps2?"""
    return any(ir_out in product(a, b) for _, a in irreps1 for _, b in irreps2)


def linear_numel(irreps_in, irreps_out):
    """Weight count of an e3nn Linear (also of an FCTP with a one-block scalar second input)."""
    return sum(m_in * m_out for m_in, a in irreps_in for m_out, b in irreps_out if a == b)


def spherical_harmonics(l_max, parity):
    """Irreps.spherical_harmonics(l_max, p=-1 if parity else 1)."""
    return [(1, (l, (-1) ** l if parity else 1)) for l in range(l_max + 1)]
