"""e3nn's normalize2mom constants: every activation in a nequip model (radial MLP and gate) is
multiplied by cst = E[f(z)^2]^(-1/2), which e3nn 0.5.1 estimates by Monte Carlo rather than
analytically (e3nn/math/_normalize_activation.py). Reproducing its exact sampling gives the exact
constants baked into deployed models."""
import math

from .errors import ExportError

# What e3nn 0.5.1 computes (torch's CPU generator), for use where torch is not installed.
KNOWN = {"silu": 1.6791767923989418, "tanh": 1.5937334472592695}


def _function(name, torch):
    return {
        "silu": torch.nn.functional.silu,
        "tanh": torch.tanh,
        "abs": torch.abs,
        # nequip's ShiftedSoftPlus
        "ssp": lambda x: torch.nn.functional.softplus(x) - math.log(2.0),
    }[name]


def normalize2mom(name, path=None):
    try:
        import torch
    except ImportError:
        if name in KNOWN:
            return KNOWN[name]
        raise ExportError(f"torch is needed to compute e3nn's normalize2mom constant for "
                          f"activation {name!r} (only {', '.join(KNOWN)} are tabulated)", path)
    gen = torch.Generator(device="cpu").manual_seed(0)
    z = torch.randn(1_000_000, generator=gen, dtype=torch.float64)
    cst = _function(name, torch)(z).pow(2).mean().pow(-0.5).item()
    # e3nn leaves f unscaled when the constant is this close to 1.
    return 1.0 if abs(cst - 1) < 1e-4 else cst
