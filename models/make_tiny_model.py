#!/usr/bin/env python3
"""Makes the tiny real decoder model the tests use: a 2-layer byte-level GPT trained for a couple
of minutes on a generated chat corpus, exported to ONNX with past key/values in the Hugging Face
naming, with tokenizer.json (byte-level BPE), config.json, generation_config.json and
tokenizer_config.json carrying a ChatML Jinja chat template.

Run with Debian's PyTorch (apt-get install python3-torch python3-onnx):
    /usr/bin/python3 models/make_tiny_model.py models/tiny-chat
The output is committed; tests never run Python.
"""
import json
import math
import os
import random
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F

OUT = sys.argv[1] if len(sys.argv) > 1 else "tiny-chat"
SPECIALS = ["<|endoftext|>", "<|im_start|>", "<|im_end|>"]
N_LAYER, N_HEAD, D_MODEL, CTX = 2, 4, 64, 128
STEPS = int(os.environ.get("TINY_STEPS", "900"))
BATCH = 16
torch.manual_seed(7)
random.seed(7)
torch.set_num_threads(2)


def bytes_to_unicode():
    """GPT-2's reversible map from bytes to printable characters (what ByteLevel tokenizers use)."""
    bs = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + list(range(ord("®"), ord("ÿ") + 1))
    cs = bs[:]
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return dict(zip(bs, [chr(c) for c in cs]))


BYTE_TO_CHAR = bytes_to_unicode()
VOCAB = {BYTE_TO_CHAR[b]: b for b in range(256)}
for i, s in enumerate(SPECIALS):
    VOCAB[s] = 256 + i
VOCAB_SIZE = len(VOCAB)
EOT, IM_START, IM_END = 256, 257, 258


def encode_text(text):
    return list(text.encode("utf-8"))


def encode_chat(messages, add_generation_prompt):
    ids = []
    for m in messages:
        ids += [IM_START] + encode_text(m["role"] + "\n" + m["content"]) + [IM_END] + encode_text("\n")
    if add_generation_prompt:
        ids += [IM_START] + encode_text("assistant\n")
    return ids


def corpus():
    pairs = []
    for a in range(10):
        for b in range(10):
            pairs.append((f"What is {a}+{b}?", f"{a + b}"))
    pairs += [("ping", "pong"), ("Who are you?", "I am the Cyberia tiny model."), ("Say hello", "hello")]
    for city in ["Paris", "Oslo", "Lima", "Rome"]:
        pairs.append((f"Weather in {city}?", '<tool_call>{"name":"weather","arguments":{"city":"' + city + '"}}</tool_call>'))
    examples = []
    for q, a in pairs:
        ids = encode_chat([{"role": "user", "content": q}], True)
        target_start = len(ids)
        ids += encode_text(a) + [IM_END]
        examples.append((ids, target_start))
    return examples


class Block(nn.Module):
    def __init__(self):
        super().__init__()
        self.ln1 = nn.LayerNorm(D_MODEL)
        self.qkv = nn.Linear(D_MODEL, 3 * D_MODEL)
        self.proj = nn.Linear(D_MODEL, D_MODEL)
        self.ln2 = nn.LayerNorm(D_MODEL)
        self.mlp = nn.Sequential(nn.Linear(D_MODEL, 4 * D_MODEL), nn.GELU(), nn.Linear(4 * D_MODEL, D_MODEL))

    def forward(self, x, mask, past_k, past_v):
        b, t, _ = x.shape
        hd = D_MODEL // N_HEAD
        q, k, v = self.qkv(self.ln1(x)).split(D_MODEL, dim=2)
        q = q.view(b, t, N_HEAD, hd).transpose(1, 2)
        k = torch.cat([past_k, k.view(b, t, N_HEAD, hd).transpose(1, 2)], dim=2)
        v = torch.cat([past_v, v.view(b, t, N_HEAD, hd).transpose(1, 2)], dim=2)
        att = (q @ k.transpose(-2, -1)) / math.sqrt(hd) + mask
        y = F.softmax(att, dim=-1) @ v
        x = x + self.proj(y.transpose(1, 2).reshape(b, t, D_MODEL))
        x = x + self.mlp(self.ln2(x))
        return x, k, v


class TinyGpt(nn.Module):
    def __init__(self):
        super().__init__()
        self.wte = nn.Embedding(VOCAB_SIZE, D_MODEL)
        self.wpe = nn.Embedding(CTX, D_MODEL)
        self.blocks = nn.ModuleList([Block() for _ in range(N_LAYER)])
        self.ln_f = nn.LayerNorm(D_MODEL)
        self.head = nn.Linear(D_MODEL, VOCAB_SIZE, bias=False)

    def forward(self, input_ids, attention_mask, position_ids, *past):
        b, t = input_ids.shape
        past_len = past[0].shape[2]
        total = past_len + t
        # causal over the new positions, plus the attention mask over all positions (0 = padding)
        causal = torch.ones(t, total, dtype=torch.bool).tril(diagonal=past_len)
        allowed = causal.unsqueeze(0).unsqueeze(0) & attention_mask.bool().unsqueeze(1).unsqueeze(1)
        mask = torch.zeros(allowed.shape).masked_fill(~allowed, -1e9)
        x = self.wte(input_ids) + self.wpe(position_ids)
        presents = []
        for i, block in enumerate(self.blocks):
            x, k, v = block(x, mask, past[2 * i], past[2 * i + 1])
            presents += [k, v]
        return (self.head(self.ln_f(x)),) + tuple(presents)


def empty_past(batch=1):
    return [torch.zeros(batch, N_HEAD, 0, D_MODEL // N_HEAD) for _ in range(2 * N_LAYER)]


def train(model):
    data = corpus()
    opt = torch.optim.AdamW(model.parameters(), lr=5e-3, weight_decay=0.01)
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, STEPS)
    for step in range(STEPS):
        batch = random.sample(data, BATCH)
        width = max(len(ids) for ids, _ in batch)
        inp = torch.full((BATCH, width), EOT)
        tgt = torch.full((BATCH, width), -100)
        att = torch.zeros(BATCH, width, dtype=torch.long)
        for r, (ids, start) in enumerate(batch):
            inp[r, : len(ids)] = torch.tensor(ids)
            att[r, : len(ids)] = 1
            for p in range(start - 1, len(ids) - 1):
                tgt[r, p] = ids[p + 1]
        pos = torch.arange(width).unsqueeze(0).expand(BATCH, width)
        logits = model(inp, att, pos, *empty_past(BATCH))[0]
        loss = F.cross_entropy(logits.reshape(-1, VOCAB_SIZE), tgt.reshape(-1), ignore_index=-100)
        opt.zero_grad()
        loss.backward()
        opt.step()
        sched.step()
        if step % 100 == 0 or step == STEPS - 1:
            print(f"step {step} loss {loss.item():.4f}", flush=True)
    return model


def greedy(model, prompt_ids, max_new=60):
    ids = list(prompt_ids)
    with torch.no_grad():
        for _ in range(max_new):
            t = torch.tensor([ids])
            logits = model(t, torch.ones_like(t), torch.arange(len(ids)).unsqueeze(0), *empty_past())[0]
            nxt = int(logits[0, -1].argmax())
            if nxt == IM_END:
                break
            ids.append(nxt)
    return bytes(i for i in ids[len(prompt_ids):] if i < 256).decode("utf-8", "replace")


def export(model):
    os.makedirs(OUT, exist_ok=True)
    past_names, present_names, axes = [], [], {"input_ids": {0: "batch", 1: "sequence"},
                                               "attention_mask": {0: "batch", 1: "total_sequence"},
                                               "position_ids": {0: "batch", 1: "sequence"},
                                               "logits": {0: "batch", 1: "sequence"}}
    for i in range(N_LAYER):
        for kind in ("key", "value"):
            past_names.append(f"past_key_values.{i}.{kind}")
            present_names.append(f"present.{i}.{kind}")
            axes[past_names[-1]] = {0: "batch", 2: "past_sequence"}
            axes[present_names[-1]] = {0: "batch", 2: "total_sequence"}
    ids = torch.tensor([[IM_START, 1, 2]])
    past = [torch.zeros(1, N_HEAD, 2, D_MODEL // N_HEAD) for _ in range(2 * N_LAYER)]
    torch.onnx.export(model, (ids, torch.ones(1, 5, dtype=torch.long), torch.tensor([[2, 3, 4]]), *past),
                      os.path.join(OUT, "model.onnx"), input_names=["input_ids", "attention_mask", "position_ids"] + past_names,
                      output_names=["logits"] + present_names, dynamic_axes=axes, opset_version=14, do_constant_folding=True)


def write_tokenizer_files():
    added = [{"id": 256 + i, "content": s, "single_word": False, "lstrip": False, "rstrip": False, "normalized": False,
              "special": True} for i, s in enumerate(SPECIALS)]
    tokenizer = {"version": "1.0", "truncation": None, "padding": None, "added_tokens": added, "normalizer": None,
                 "pre_tokenizer": {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": False, "use_regex": False},
                 "post_processor": None,
                 "decoder": {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": False, "use_regex": False},
                 "model": {"type": "BPE", "dropout": None, "unk_token": None, "continuing_subword_prefix": None,
                           "end_of_word_suffix": None, "fuse_unk": False, "byte_fallback": False, "ignore_merges": False,
                           "vocab": VOCAB, "merges": []}}
    template = ("{% for message in messages %}{{ '<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n' }}"
                "{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}")
    files = {
        "tokenizer.json": tokenizer,
        "tokenizer_config.json": {"chat_template": template, "eos_token": "<|im_end|>", "bos_token": None,
                                  "pad_token": "<|endoftext|>", "model_max_length": CTX},
        "config.json": {"model_type": "cyberia-tiny-gpt", "architectures": ["TinyGpt"], "vocab_size": VOCAB_SIZE,
                        "hidden_size": D_MODEL, "num_hidden_layers": N_LAYER, "num_attention_heads": N_HEAD,
                        "num_key_value_heads": N_HEAD, "max_position_embeddings": CTX, "bos_token_id": None,
                        "eos_token_id": IM_END, "pad_token_id": EOT},
        "generation_config.json": {"eos_token_id": [IM_END, EOT], "max_new_tokens": 64, "do_sample": False},
    }
    for name, content in files.items():
        with open(os.path.join(OUT, name), "w", encoding="utf-8") as f:
            json.dump(content, f, ensure_ascii=False, indent=1)
            f.write("\n")


if __name__ == "__main__":
    model = train(TinyGpt())
    model.eval()
    checks = {"What is 2+3?": "5", "What is 7+8?": "15", "ping": "pong", "Weather in Oslo?": None}
    for q, want in checks.items():
        got = greedy(model, encode_chat([{"role": "user", "content": q}], True))
        print(f"{q!r} -> {got!r}")
        if want is not None and got != want:
            sys.exit(f"the model did not learn {q!r} (got {got!r}); train longer (TINY_STEPS)")
    export(model)
    write_tokenizer_files()
    print("wrote", OUT)
