"""Trains a recur language-model config with PyTorch: the reference for docs/benchmarks.md.

Reads the same YAML config and data as `recur train` and does the same work: the same vocabulary
(specials, then tokens by frequency), documents as <bos> + lines each ending in <eos>, B
contiguous streams, windows of bptt steps with the state carried across windows and reset where a
document starts, the <bos> targets ignored, the same dropout placement, optimiser, clipping,
learning-rate schedule and stateful evaluation. Initial values and random draws differ (PyTorch's
generator), so losses agree statistically, not bit for bit.

    /usr/bin/python3 tests/reference/train_lm_torch.py configs/lm/kjv-char.yaml --threads 1

Prints progress and one JSON line per validation; supports the config keys recur's kjv-char and
sample configs use (char or word tokenizer, LSTM or GRU, SGD/Adam/AdamW, constant/step/cosine/
inverse_sqrt schedules; no variable_bptt).
"""
import argparse, json, math, os, re, sys, time

p = argparse.ArgumentParser()
p.add_argument("config")
p.add_argument("--threads", type=int, default=1)
p.add_argument("--set", action="append", default=[], help="override: key.path=value")
args = p.parse_args()
for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[var] = str(args.threads)
import torch, torch.nn as nn, torch.nn.functional as F, yaml  # noqa: E402

torch.set_num_threads(args.threads)
PAD, UNK, BOS, EOS = 0, 1, 2, 3

cfg = yaml.safe_load(open(args.config))
for item in args.set:
    key, value = item.split("=", 1)
    node = cfg
    *parents, last = key.split(".")
    for k in parents:
        node = node.setdefault(k, {})
    node[last] = yaml.safe_load(value)
base = os.path.dirname(os.path.abspath(args.config))
M, D = cfg.get("model", {}), cfg["data"]
T, O = cfg.get("training", {}), cfg.get("optimizer", {})
S, V, L = cfg.get("schedule", {}), cfg.get("validation", {}), cfg.get("logging", {})
assert not T.get("variable_bptt", False), "variable_bptt is not supported here"
torch.manual_seed(T.get("seed", 1))


WORD = re.compile(r"[A-Za-z0-9'\u0080-\U0010ffff]+|\S")


def tokenize(line, kind, lowercase):
    """[(token, characters it stands for)], as recur's tokenizer (framework/data/tokenizer.cpp)."""
    if lowercase:
        line = "".join(c.lower() if c.isascii() else c for c in line)
    if kind == "char":
        return [(c, 1) for c in line]
    found = list(WORD.finditer(line))
    out = []
    for i, m in enumerate(found):
        end = found[i + 1].start() if i + 1 < len(found) else len(line)
        out.append((m.group(), end - (0 if i == 0 else m.start())))
    return out


def documents(path):
    docs, cur = [], []
    for line in open(os.path.join(base, path), encoding="utf-8"):
        line = line.rstrip("\n").rstrip("\r")
        if line:
            cur.append(line)
        elif cur:
            docs.append(cur)
            cur = []
    if cur:
        docs.append(cur)
    return docs


kind, lower = D.get("tokenizer", "char"), D.get("lowercase", False)
train_docs = documents(D["train"])
counts = {}
for doc in train_docs:
    for line in doc:
        for tok, _ in tokenize(line, kind, lower):
            counts[tok] = counts.get(tok, 0) + 1
entries = sorted(((t, c) for t, c in counts.items() if c >= D.get("min_frequency", 1)),
                 key=lambda tc: (-tc[1], tc[0].encode("utf-8")))
vocab = ["<pad>", "<unk>", "<bos>", "<eos>"] + [t for t, _ in entries]
if D.get("max_vocab", 0):
    vocab = vocab[: D["max_vocab"]]
index = {t: i for i, t in enumerate(vocab)}


def encode(docs):
    ids, chars = [], []
    for doc in docs:
        ids.append(BOS), chars.append(0)
        for line in doc:
            for tok, n in tokenize(line, kind, lower):
                ids.append(index.get(tok, UNK)), chars.append(n)
            ids.append(EOS), chars.append(1)
    return torch.tensor(ids), torch.tensor(chars)


def streams(seq, b):
    ids, chars = seq
    n = ids.numel() // b
    return ids[: n * b].view(b, n).t().contiguous(), chars[: n * b].view(b, n).t().contiguous()


class LM(nn.Module):
    def __init__(s):
        super().__init__()
        E, H, layers = M.get("embedding_size", 256), M.get("hidden_size", 256), M.get("layers", 2)
        s.emb = nn.Embedding(len(vocab), E)
        rnn = nn.GRU if M.get("cell", "lstm") == "gru" else nn.LSTM
        s.rnn = rnn(E, H, layers, dropout=M.get("dropout", 0.0))
        s.drop_e, s.drop_o = nn.Dropout(M.get("embedding_dropout", 0.0)), nn.Dropout(M.get("output_dropout", 0.0))
        s.out = nn.Linear(H, len(vocab))
        if M.get("tie_embeddings", False):
            s.out.weight = s.emb.weight

    def forward(s, x, state, keep):
        """x, keep (T, B); state carried; reset where keep is 0 (segments between resets)."""
        e = s.drop_e(s.emb(x))
        cuts = [t for t in range(1, x.size(0)) if (keep[t] == 0).any()]
        ys = []
        for a, b in zip([0] + cuts, cuts + [x.size(0)]):
            mask = keep[a].view(1, -1, 1)
            state = tuple(h * mask for h in state) if isinstance(state, tuple) else state * mask
            y, state = s.rnn(e[a:b], state)
            ys.append(y)
        return s.out(s.drop_o(torch.cat(ys))), state

    def zero_state(s, b):
        z = torch.zeros(s.rnn.num_layers, b, s.rnn.hidden_size)
        return (z, z.clone()) if isinstance(s.rnn, nn.LSTM) else z


def detach(state):
    return tuple(h.detach() for h in state) if isinstance(state, tuple) else state.detach()


def window(data, pos, steps):
    ids, chars = data
    x, y, c = ids[pos:pos + steps], ids[pos + 1:pos + 1 + steps].clone(), chars[pos + 1:pos + 1 + steps]
    y[y == BOS] = -1
    return x, y, (x != BOS).float(), float(c[y != -1].sum())


def evaluate(model, data, b, bptt):
    model.eval()
    nll, count, chars, state = 0.0, 0, 0.0, model.zero_state(b)
    with torch.no_grad():
        for pos in range(0, data[0].size(0) - 1, bptt):
            x, y, keep, c = window(data, pos, min(bptt, data[0].size(0) - 1 - pos))
            logits, state = model(x, state, keep)
            nll += F.cross_entropy(logits.view(-1, len(vocab)), y.view(-1), ignore_index=-1, reduction="sum").item()
            count, chars = count + int((y != -1).sum()), chars + c
    model.train()
    return nll / count, nll / math.log(2) / chars


def lr_at(step):
    lr, warm, kind_s = O.get("lr", 1e-3), S.get("warmup_steps", 0), S.get("type", "constant")
    f = step / warm if warm and step < warm else 1.0
    if kind_s == "step":
        f *= S.get("decay_factor", 0.5) ** ((step - 1) // S.get("decay_steps", 1000))
    elif kind_s == "inverse_sqrt" and step > warm:
        f *= math.sqrt(max(warm, 1) / step)
    elif kind_s == "cosine":
        first = max(warm, 1)
        if step > first:
            prog = min(1.0, (step - first) / max(1, T["max_steps"] - first))
            lo = S.get("min_lr", 0.0)
            return lo + (lr - lo) * 0.5 * (1 + math.cos(math.pi * prog))
    assert kind_s in ("constant", "step", "inverse_sqrt", "cosine"), kind_s
    return lr * f


model = LM()
params = list(model.parameters())
otype = O.get("type", "adam")
if otype == "sgd":
    opt = torch.optim.SGD(params, lr=O.get("lr", 1e-3), momentum=O.get("momentum", 0.0),
                          nesterov=O.get("nesterov", False), weight_decay=O.get("weight_decay", 0.0))
else:
    cls = torch.optim.AdamW if otype == "adamw" else torch.optim.Adam
    opt = cls(params, lr=O.get("lr", 1e-3), betas=tuple(O.get("betas", [0.9, 0.999])),
              eps=O.get("eps", 1e-8), weight_decay=O.get("weight_decay", 0.0))
B, bptt = T.get("batch_size", 32), T.get("bptt", 35)
train = streams(encode(train_docs), B)
valid = streams(encode(documents(D["valid"])), V.get("batch_size", 10)) if D.get("valid") else None
vbptt = V.get("bptt", 0) or bptt
print(f"torch {torch.__version__}, {torch.get_num_threads()} threads; vocabulary {len(vocab)}, "
      f"{sum(t.numel() for t in params)} parameters", flush=True)
pos, state, start, interval = train[0].size(0) - 1, None, time.time(), [0.0, 0, time.time()]
for step in range(1, T["max_steps"] + 1):
    if pos >= train[0].size(0) - 1:
        pos, state = 0, model.zero_state(B)
    steps = min(bptt, train[0].size(0) - 1 - pos)
    x, y, keep, _ = window(train, pos, steps)
    pos += steps
    opt.zero_grad()
    logits, state = model(x, detach(state), keep)
    loss = F.cross_entropy(logits.view(-1, len(vocab)), y.view(-1), ignore_index=-1)
    loss.backward()
    if T.get("clip_norm", 0):
        nn.utils.clip_grad_norm_(params, T["clip_norm"])
    for g in opt.param_groups:
        g["lr"] = lr_at(step)
    opt.step()
    interval[0], interval[1] = interval[0] + loss.item() * int((y != -1).sum()), interval[1] + int((y != -1).sum())
    if step % L.get("every_steps", 50) == 0:
        rate = interval[1] / (time.time() - interval[2])
        print(f"step {step:7d} | loss {interval[0] / interval[1]:.4f} | bpc {interval[0] / interval[1] / math.log(2):.4f} | "
              f"{rate:.0f} tok/s", flush=True)
        interval = [0.0, 0, time.time()]
    every = V.get("every_steps", 0)
    if valid is not None and ((every and step % every == 0) or step == T["max_steps"]):
        vloss, vbpc = evaluate(model, valid, V.get("batch_size", 10), vbptt)
        print(f"valid   step {step} | loss {vloss:.4f} | bpc {vbpc:.4f}", flush=True)
        print(json.dumps({"type": "valid", "step": step, "loss": vloss, "bpc": vbpc,
                          "elapsed_s": time.time() - start}), flush=True)
