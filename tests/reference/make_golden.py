"""Writes golden.h5: outputs, losses and gradients of PyTorch's LSTM, GRU, vanilla RNN (tanh and
relu) and an LSTM language model for fixed inputs and weights, in float64. tests/unit/test_golden.cpp checks recur against it.

Run once with Debian's PyTorch (python3-torch, python3-h5py) and commit the result:
    /usr/bin/python3 tests/reference/make_golden.py tests/reference/golden.h5

Parameters are stored under recur's parameter paths (rnn/layer0/fwd/w_ih ...), which map to
PyTorch's names as weight_ih_l0 (fwd) and weight_ih_l0_reverse (bwd); gate orders are PyTorch's
(LSTM i, f, g, o; GRU r, z, n).
"""
import sys

import h5py
import torch
import torch.nn.functional as F

torch.manual_seed(1234)
torch.set_default_dtype(torch.float64)


def recur_rnn_params(rnn, prefix):
    """{recur path: tensor} for a torch.nn.LSTM/GRU/RNN."""
    out = {}
    for layer in range(rnn.num_layers):
        for direction, suffix in enumerate(["", "_reverse"][: 2 if rnn.bidirectional else 1]):
            d = "fwd" if direction == 0 else "bwd"
            for name in ["w_ih", "w_hh", "b_ih", "b_hh"]:
                kind, part = name.split("_")
                torch_name = ("weight" if kind == "w" else "bias") + f"_{part}_l{layer}{suffix}"
                out[f"{prefix}/layer{layer}/{d}/{name}"] = getattr(rnn, torch_name)
    return out


def write(group, tensors):
    for name, t in tensors.items():
        group.create_dataset(name, data=t.detach().numpy())


def rnn_case(f, name, rnn, steps, batch):
    x = torch.randn(steps, batch, rnn.input_size, requires_grad=True)
    states = rnn.num_layers * (2 if rnn.bidirectional else 1)
    h0 = torch.randn(states, batch, rnn.hidden_size, requires_grad=True)
    is_lstm = isinstance(rnn, torch.nn.LSTM)
    c0 = torch.randn(states, batch, rnn.hidden_size, requires_grad=True)
    y, state = rnn(x, (h0, c0) if is_lstm else h0)
    hT = state[0] if is_lstm else state
    # A scalar from every output, with fixed random weights.
    ry, rh = torch.randn_like(y), torch.randn_like(hT)
    loss = (y * ry).sum() + (hT * rh).sum()
    inputs = {"x": x, "h0": h0, "ry": ry, "rh": rh, "y": y, "hT": hT}
    if is_lstm:
        rc = torch.randn_like(state[1])
        loss = loss + (state[1] * rc).sum()
        inputs.update({"c0": c0, "rc": rc, "cT": state[1]})
    loss.backward()
    g = f.create_group(name)
    g.attrs["bidirectional"] = int(rnn.bidirectional)
    g.attrs["layers"] = rnn.num_layers
    g.attrs["hidden_size"] = rnn.hidden_size
    write(g.create_group("values"), inputs)
    g["values"].create_dataset("loss", data=loss.item())
    params = recur_rnn_params(rnn, "rnn")
    write(g.create_group("params"), params)
    grads = {"x": x.grad, "h0": h0.grad}
    if is_lstm:
        grads["c0"] = c0.grad
    grads.update({p: t.grad for p, t in params.items()})
    write(g.create_group("grads"), grads)


def lm_case(f):
    vocab, emb, hidden, steps, batch = 13, 6, 5, 7, 3
    embedding = torch.nn.Embedding(vocab, emb)
    lstm = torch.nn.LSTM(emb, hidden, 2)
    output = torch.nn.Linear(hidden, vocab)
    ids = torch.randint(0, vocab, (steps + 1, batch))
    h0, c0 = torch.randn(2, batch, hidden), torch.randn(2, batch, hidden)
    y, (hT, cT) = lstm(embedding(ids[:-1]), (h0, c0))
    logits = output(y).reshape(-1, vocab)
    targets = ids[1:].reshape(-1).clone()
    targets[4] = -1  # a padded target
    loss = F.cross_entropy(logits, targets, ignore_index=-1)
    loss.backward()
    g = f.create_group("lm")
    g.attrs["vocab"], g.attrs["embedding_size"], g.attrs["hidden_size"] = vocab, emb, hidden
    write(g.create_group("values"), {"h0": h0, "c0": c0, "logits": logits, "hT": hT, "cT": cT})
    g["values"].create_dataset("loss", data=loss.item())
    g["values"].create_dataset("inputs", data=ids[:-1].numpy().astype("int32"))
    g["values"].create_dataset("targets", data=targets.reshape(steps, batch).numpy().astype("int32"))
    params = {"embedding/weight": embedding.weight, "output/weight": output.weight,
              "output/bias": output.bias}
    params.update(recur_rnn_params(lstm, "rnn"))
    write(g.create_group("params"), params)
    write(g.create_group("grads"), {p: t.grad for p, t in params.items()})


with h5py.File(sys.argv[1], "w") as f:
    f.attrs["torch_version"] = str(torch.__version__).encode()
    rnn_case(f, "lstm", torch.nn.LSTM(4, 3, 2, bidirectional=True), steps=5, batch=2)
    rnn_case(f, "gru", torch.nn.GRU(4, 3, 2), steps=5, batch=2)
    lm_case(f)
    # After the others, so that their random draws stay those of before.
    rnn_case(f, "rnn_tanh", torch.nn.RNN(4, 3, 2, bidirectional=True), steps=5, batch=2)
    rnn_case(f, "rnn_relu", torch.nn.RNN(4, 3, 2, nonlinearity="relu"), steps=5, batch=2)
print("wrote", sys.argv[1])
