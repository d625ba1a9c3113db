"""The weight tensors a nequip EnergyModel has, with their shapes, derived from the
hyper-parameters alone by walking the layers the way nequip's ConvNetLayer/InteractionBlock and
e3nn's Gate build them. Names are relative to the energy network (after 'func.')."""
from . import irreps
from .errors import ExportError

# Parity of each activation as e3nn's Activation measures it: +1 even, -1 odd, 0 neither.
_ACT_PARITY = {"silu": 0, "ssp": 0, "tanh": -1, "abs": 1}


def _act_out_parity(p_in, act, what, path):
    """e3nn Activation: even scalars stay even; odd ones take the activation's parity."""
    if p_in == 1:
        return 1
    if _ACT_PARITY[act] == 0:
        raise ExportError(f"{what}: activation {act!r} on odd scalars violates parity "
                          f"(e3nn refuses this model)", path)
    return _ACT_PARITY[act]


def layer_irreps(x, hidden, sh, acts, k, path):
    """ConvNetLayer k (nequip 0.5 to 0.19) on input features x: the irreps it keeps from `hidden`
    (those reachable from x times the edge harmonics sh), the tensor-product paths' output
    irreps `mid` (instruction order), the convolution output (e3nn Gate's input: scalars, one
    gate scalar per gated irrep, gated irreps; sorted, merged) and the layer output."""
    reachable = [(m, ir) for m, ir in hidden if irreps.path_exists(x, sh, ir)]
    scalars = [(m, ir) for m, ir in reachable if ir[0] == 0]
    gated = [(m, ir) for m, ir in reachable if ir[0] > 0]
    gate_ir = (0, 1) if irreps.path_exists(x, sh, (0, 1)) else (0, -1)
    gates = [(m, gate_ir) for m, _ in gated]
    # e3nn Gate's input: each group simplified, then all sorted and simplified.
    conv_out = irreps.simplify(irreps.sort(
        irreps.simplify(scalars) + irreps.simplify(gates) + irreps.simplify(gated)))
    # InteractionBlock: one "uvu" path per (input block, SH block, reachable product irrep).
    mid = [(m, ir_out) for m, ir_in in x for _, ir_sh in sh
           for ir_out in irreps.product(ir_in, ir_sh) if any(ir_out == ir for _, ir in conv_out)]
    # Gate output: activated scalars, then the gated irreps times their (activated) gates.
    out = [(m, (0, _act_out_parity(p, acts["scalars_e" if p == 1 else "scalars_o"],
                                   f"layer {k} scalars", path)))
           for m, (_, p) in irreps.simplify(scalars)]
    if gated:
        gate_p = _act_out_parity(gate_ir[1], acts["gates_e" if gate_ir[1] == 1 else "gates_o"],
                                 f"layer {k} gates", path)
        out += [(m, (l, p * gate_p)) for m, (l, p) in irreps.simplify(gated)]
    return mid, conv_out, out


def _layer(x, hyper, k, path):
    """Irreps and weight shapes of ConvNetLayer k whose input features are x."""
    hidden = irreps.parse(hyper.irreps["feature_irreps_hidden"])
    sh = irreps.parse(hyper.irreps["irreps_edge_sh"])
    mid, conv_out, out = layer_irreps(x, hidden, sh, hyper.nonlinearity, k, path)
    reachable = [(m, ir) for m, ir in hidden if irreps.path_exists(x, sh, ir)]
    kept = irreps.simplify([b for b in reachable if b[1][0] == 0]
                           + [b for b in reachable if b[1][0] > 0])
    if hyper.resnet and kept != x:
        raise ExportError(f"resnet = true but layer {k} maps {irreps.fmt(x)} to "
                          f"{irreps.fmt(kept)}: nequip skips the "
                          f"residual there, which mdgpu's format cannot express", path)
    dims = ([hyper.num_basis] + hyper.invariant_layers * [hyper.invariant_neurons]
            + [sum(m for m, _ in mid)])
    prefix = f"layer{k}_convnet.conv."
    shapes = {prefix + "linear_1.weight": (irreps.linear_numel(x, x),),
              prefix + "linear_2.weight": (irreps.linear_numel(mid, conv_out),)}
    for i in range(len(dims) - 1):
        shapes[prefix + f"fc.layer{i}.weight"] = (dims[i], dims[i + 1])
    if hyper.use_sc:
        shapes[prefix + "sc.weight"] = (len(hyper.type_names) * irreps.linear_numel(x, conv_out),)
    return out, shapes


def expected_shapes(hyper, path):
    """{name: shape} of every weight tensor the energy network must have (without the
    optional per-species scales/shifts)."""
    num_types = len(hyper.type_names)
    embed = irreps.parse(hyper.irreps["chemical_embedding_irreps_out"])
    hidden_out = irreps.parse(hyper.irreps["conv_to_output_hidden_irreps_out"])
    shapes = {
        "radial_basis.basis.bessel_weights": (hyper.num_basis,),
        "chemical_embedding.linear.weight": (irreps.linear_numel([(num_types, (0, 1))], embed),),
    }
    x = embed
    for k in range(hyper.num_layers):
        x, layer_shapes = _layer(x, hyper, k, path)
        shapes.update(layer_shapes)
    shapes["conv_to_output_hidden.linear.weight"] = (irreps.linear_numel(x, hidden_out),)
    shapes["output_hidden_to_scalar.linear.weight"] = (
        irreps.linear_numel(hidden_out, [(1, (0, 1))]),)
    return shapes
