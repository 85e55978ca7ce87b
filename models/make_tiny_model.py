#!/usr/bin/env python3
"""Makes the tiny real decoder model the tests and the quickstart use: a 4-layer byte-level GPT (rotary
positions, so copying a name from the prompt is learnt quickly) that
reads the tools listed in its prompt and calls the one a request needs, in the Hermes format
(<tool_call>{"name": ..., "arguments": {...}}</tool_call>), or answers in a few words when no
tool fits. It is trained for a few minutes on generated conversations: a random set of tools, each
with a random name never reused, a short description and one or two parameters, and a request that
matches one of them; the answer copies the listed tool's name and parameter names, and the
argument from the request. After a tool's result it answers "Done.". The loss is on the answer
only, and the called tool's name counts three times: choosing it is what reading the tools is for.

The chat template is the model's own (Hermes/Qwen layout, tools listed compactly in the system
turn, as `description -> name(param,...)`: the description first, so that a name can see what its
tool does). Training renders every conversation through that same
template with jinja2 configured as Hugging Face's apply_chat_template does, so the model learns
exactly the text Cyberia's Java renderer produces. Output: model.onnx (past key/values in Hugging
Face naming), tokenizer.json (byte-level BPE), config.json, generation_config.json,
tokenizer_config.json.

Run with Debian's PyTorch (apt-get install python3-torch python3-onnx python3-jinja2 libopenblas0; OpenBLAS
makes it about ten times faster than the reference BLAS):
    /usr/bin/python3 models/make_tiny_model.py models/tiny-chat
It prints the held-out accuracy (tool names and arguments never seen in training) and fails below
90%. The output is committed; tests never run Python.
"""
import json
import math
import os
import random
import sys
import time

import jinja2
import jinja2.ext
import jinja2.sandbox
import torch
import torch.nn as nn
import torch.nn.functional as F

OUT = sys.argv[1] if len(sys.argv) > 1 else "tiny-chat"
SPECIALS = ["<|endoftext|>", "<|im_start|>", "<|im_end|>"]
ADDED = ["<tool_call>", "</tool_call>"]  # single tokens, not special: they stay in decoded text
N_LAYER, N_HEAD, D_MODEL, CTX = 4, 4, 128, 512
STEPS = int(os.environ.get("TINY_STEPS", "3200"))
BATCH = 16
EVAL_N = int(os.environ.get("TINY_EVAL", "300"))
PROBE = os.environ.get("TINY_PROBE") == "1"
# the share of tool calls whose parameter names are drawn at random too, so that the model copies
# them from the chosen tool's line instead of knowing them from the request
RANDOM_PARAMS = float(os.environ.get("TINY_RANDOM_PARAMS", "0.5"))
CONTINUE = os.environ.get("TINY_CONTINUE")  # a .pt an earlier run saved: trained TINY_MORE more steps
MORE = int(os.environ.get("TINY_MORE", "0"))
torch.manual_seed(7)
torch.set_num_threads(int(os.environ.get("TINY_THREADS", "2")))

TEMPLATE = (
    "{%- if tools %}\n"
    "{{- '<|im_start|>system\\n' }}\n"
    "{%- if messages[0].role == 'system' %}{{- messages[0].content + '\\n' }}{%- endif %}\n"
    "{{- 'Tools:\\n' }}\n"
    "{%- for tool in tools %}\n"
    "{%- set f = tool.function if tool.function is defined else tool %}\n"
    "{{- (f.description or '') + ' -> ' + f.name + '(' }}\n"
    "{%- for p in f.parameters.properties %}{{- p }}{%- if not loop.last %}{{- ',' }}{%- endif %}{%- endfor %}\n"
    "{{- ')\\n' }}\n"
    "{%- endfor %}\n"
    "{{- '<|im_end|>\\n' }}\n"
    "{%- elif messages[0].role == 'system' %}\n"
    "{{- '<|im_start|>system\\n' + messages[0].content + '<|im_end|>\\n' }}\n"
    "{%- endif %}\n"
    "{%- for message in messages %}\n"
    "{%- if message.role == 'user' or (message.role == 'assistant' and not message.tool_calls) %}\n"
    "{{- '<|im_start|>' + message.role + '\\n' + message.content + '<|im_end|>\\n' }}\n"
    "{%- elif message.role == 'assistant' %}\n"
    "{{- '<|im_start|>assistant\\n' }}\n"
    "{%- if message.content %}{{- message.content }}{%- endif %}\n"
    "{%- for call in message.tool_calls %}\n"
    "{%- set c = call.function if call.function is defined else call %}\n"
    "{{- '<tool_call>{\"name\": \"' + c.name + '\", \"arguments\": ' }}\n"
    "{%- if c.arguments is string %}{{- c.arguments }}{%- else %}{{- c.arguments | tojson }}{%- endif %}\n"
    "{{- '}</tool_call>' }}\n"
    "{%- endfor %}\n"
    "{{- '<|im_end|>\\n' }}\n"
    "{%- elif message.role == 'tool' %}\n"
    "{{- '<|im_start|>user\\n<tool_response>\\n' + message.content + '\\n</tool_response><|im_end|>\\n' }}\n"
    "{%- endif %}\n"
    "{%- endfor %}\n"
    "{%- if add_generation_prompt %}{{- '<|im_start|>assistant\\n' }}{%- endif %}\n"
)


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
for i, s in enumerate(SPECIALS + ADDED):
    VOCAB[s] = 256 + i
VOCAB_SIZE = len(VOCAB)
EOT, IM_START, IM_END = 256, 257, 258
TOKEN_IDS = {s: 256 + i for i, s in enumerate(SPECIALS + ADDED)}


def hf_environment():
    """jinja2 as transformers' apply_chat_template sets it up (trim and lstrip blocks, tojson)."""
    env = jinja2.sandbox.ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True,
                                                       extensions=[jinja2.ext.loopcontrols])
    env.filters["tojson"] = lambda x, indent=None, separators=None, sort_keys=False: json.dumps(
        x, ensure_ascii=False, indent=indent, separators=separators, sort_keys=sort_keys)
    return env


CHAT = hf_environment().from_string(TEMPLATE)


def render(messages, tools, add_generation_prompt):
    return CHAT.render(messages=messages, tools=tools, add_generation_prompt=add_generation_prompt,
                       bos_token="", eos_token="<|im_end|>")


def encode(text):
    """What tokenizer.json does: added tokens whole, every other byte one token."""
    ids, i = [], 0
    while i < len(text):
        for tok, tid in TOKEN_IDS.items():
            if text.startswith(tok, i):
                ids.append(tid)
                i += len(tok)
                break
        else:
            ids += list(text[i].encode("utf-8"))
            i += 1
    return ids


# ---- the generated conversations -------------------------------------------------------------

SYLLABLES = ["ka", "lo", "mi", "zu", "ra", "te", "vo", "ni", "qua", "pel", "dor", "fin", "gar", "hul", "jex", "ost",
             "bri", "sna", "tum", "wex", "yol", "cim", "dra", "erk", "fos", "glu", "hav", "ix", "jor", "kel"]
WORDS = ["Oslo", "Paris", "Lima", "Rome", "Quito", "Accra", "Hanoi", "Perth", "Cairo", "Dakar", "Riga", "Bern",
         "apple", "river", "cloud", "stone", "tiger", "lemon", "bread", "north", "silver", "garden", "winter",
         "budget", "ledger", "market", "miner", "token", "survival modes", "payment retries", "key storage",
         "the autonomy ladder", "refunds", "double entry", "x402", "channels", "night trains", "old maps"]
VERBS = ["get", "find", "fetch", "read", "look", "do", "run", "call", "ask", "make", "use", "query"]
# plain English words: real tools are named with them (file_document, search_library)
ENGLISH = ["file", "document", "library", "search", "send", "list", "create", "update", "delete", "write", "book",
           "table", "price", "stock", "weather", "city", "email", "note", "task", "order", "payment", "wallet",
           "balance", "token", "market", "skill", "agent", "report", "summary", "text", "word", "question", "answer",
           "translate", "convert", "currency", "song", "music", "timer", "calendar", "event", "user", "account",
           "invoice", "customer", "product", "image", "photo", "video", "message", "chat", "reply", "schedule",
           "meeting", "contact", "address", "phone", "map", "route", "flight", "hotel", "ticket", "news", "topic",
           "page", "site", "link", "data", "record", "entry", "item", "cart", "shop", "review", "score", "game",
           "team", "player", "recipe", "food", "drink", "movie", "show", "weekly", "daily", "latest", "public",
           "private", "remote", "local", "check", "verify", "compute", "count", "measure", "compare", "analyze",
           "publish", "share", "store", "load", "save", "open", "close", "start", "stop", "pause", "resume", "hire",
           "pay", "buy", "sell", "bid", "offer", "quote", "rate", "mint", "burn", "stake", "vote", "lookup", "info"]


def pseudo_word(rng, n_min=2, n_max=3):
    return "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(n_min, n_max)))


def tool_name(rng):
    shape = rng.random()
    if shape < 0.35:  # English words: get_weather, file_document, search_library_index
        return "_".join(rng.choice(ENGLISH + VERBS) for _ in range(rng.randint(1, 3)))
    shape = rng.random()
    if shape < 0.4:
        return pseudo_word(rng) + "_" + pseudo_word(rng, 1, 2)
    if shape < 0.7:
        return rng.choice(VERBS) + "_" + pseudo_word(rng)
    return pseudo_word(rng, 2, 4)


def value(rng):
    r = rng.random()
    if r < 0.2:
        return " ".join(rng.choice(ENGLISH) for _ in range(rng.randint(1, 3)))
    if r < 0.35:
        return rng.choice(WORDS)
    if r < 0.7:
        return pseudo_word(rng).capitalize()
    return pseudo_word(rng) + " " + pseudo_word(rng, 1, 2)


def number(rng):
    return rng.choice([1, 2, 3, 5, 7, 10, 12, 15, 20, 25, 30, 45, 60, 90, 100, 250])


# capability: (descriptions, parameters, requests); a request's {0}, {1} are the parameters' values
CAPABILITIES = [
    (["Get the weather for a city.", "Current weather in a city."], [("city", "str")],
     ["What is the weather in {0}?", "Weather in {0}?", "Is it raining in {0}?"]),
    (["Translate a text into French.", "Say a text in French."], [("text", "str")],
     ["Translate '{0}' into French.", "How do you say '{0}' in French?"]),
    (["Summarize a text in two sentences.", "Make a short summary of a text."], [("text", "str")],
     ["Summarize this: {0}", "Give me a summary of: {0}"]),
    (["Pick the key phrases of a text.", "Find the keywords in a text."], [("text", "str")],
     ["Key phrases of: {0}", "What are the keywords in: {0}"]),
    (["Search the library for documents.", "Find documents about a topic."], [("query", "str")],
     ["Find documents about {0}.", "Search the library for {0}."]),
    (["Answer a question from the filed documents.", "Ask the library a question."], [("question", "str")],
     ["Ask the library: {0}", "Answer from the documents: {0}"]),
    (["File a document in the library.", "Store a document under a title."], [("title", "str")],
     ["File the document titled {0}.", "Store {0} in the library."]),
    (["Look up the definition of a word.", "Define a word."], [("word", "str")],
     ["Define {0}.", "What does {0} mean?"]),
    (["Get the price of a stock.", "Quote a share price."], [("symbol", "str")],
     ["Price of {0} stock?", "How much is {0} trading at?"]),
    (["Set a timer in minutes.", "Start a countdown."], [("minutes", "int")],
     ["Set a timer for {0} minutes.", "Remind me in {0} minutes."]),
    (["Send an email to a person.", "Email someone a subject."], [("to", "str"), ("subject", "str")],
     ["Email {0} about {1}.", "Send {0} an email about {1}."]),
    (["Convert an amount to another currency.", "Exchange money into a currency."],
     [("amount", "int"), ("currency", "str")],
     ["Convert {0} into {1}.", "How much is {0} in {1}?"]),
    (["Play a song by its title.", "Start playing music."], [("song", "str")],
     ["Play {0}.", "Put on the song {0}."]),
    (["Book a table at a restaurant.", "Reserve a restaurant."], [("restaurant", "str"), ("people", "int")],
     ["Book {0} for {1} people.", "Reserve a table at {0} for {1}."]),
]
CURRENCIES = ["EUR", "USD", "CYB", "GBP", "JPY", "NOK", "USDC"]


def copy_request(rng):
    """Copying a phrase from the request: what reading a tool's name and argument needs."""
    phrase = " ".join(value(rng) if rng.random() < 0.5 else tool_name(rng) for _ in range(rng.randint(1, 3)))
    return rng.choice(["Say ", "Repeat after me: ", "Echo "]) + phrase, phrase


def copy_example(rng):
    q, a = copy_request(rng)
    return [{"role": "user", "content": q}], [], a


def chit_chat(rng):
    r = rng.random()
    if r < 0.45:
        return copy_request(rng)
    if r < 0.75:
        a, b = rng.randint(0, 9), rng.randint(0, 9)
        return f"What is {a}+{b}?", f"{a + b}"
    return rng.choice([("ping", "pong"), ("Who are you?", "I am the Cyberia tiny model."),
                       ("Thanks!", "You are welcome."), ("Hi", "Hello! Which tool should I use?")])


def param_name(rng):
    return rng.choice(ENGLISH) if rng.random() < 0.6 else pseudo_word(rng, 1, 2)


def function(name, description, params):
    props = {p: {"type": "integer" if kind == "int" else "string"} for p, kind in params}
    return {"type": "function", "function": {"name": name, "description": description,
                                             "parameters": {"type": "object", "properties": props,
                                                            "required": [p for p, _ in params]}}}


def example(rng, names, with_tools=True, max_tools=4):
    """One conversation: (messages, tools, answer text)."""
    tools, chosen = [], None
    if with_tools:
        caps = rng.sample(range(len(CAPABILITIES)), rng.randint(1, max_tools))
        renamed = rng.random() < RANDOM_PARAMS
        for c in caps:
            descriptions, params, _ = CAPABILITIES[c]
            if renamed:  # same kinds and order, other names: only the listing tells them
                fresh = []
                for _, kind in params:
                    n = param_name(rng)
                    while n in [f for f, _ in fresh]:
                        n = param_name(rng)
                    fresh.append((n, kind))
                params = fresh
            tools.append((c, names(), rng.choice(descriptions), params))
        chosen = rng.choice(tools)
    messages = []
    if rng.random() < 0.25:
        messages.append({"role": "system", "content": rng.choice(["You are a helpful agent.", "Use the tools.",
                                                                  "You are " + pseudo_word(rng).capitalize() + "."])})
    if chosen is None or rng.random() < 0.2:
        q, a = chit_chat(rng)
        messages.append({"role": "user", "content": q})
        return messages, [function(n, d, p) for _, n, d, p in tools], a
    c, name, _, params = chosen
    values = []
    original = [p for p, _ in CAPABILITIES[c][1]]
    for (p, kind), was in zip(params, original):
        if was == "question":
            values.append(rng.choice(["Why does ", "What is ", "Where is ", "How do "]) + value(rng).lower() + "?")
        elif kind == "int":
            values.append(number(rng))
        elif was == "currency":
            values.append(rng.choice(CURRENCIES))
        else:
            values.append(value(rng))
    request = rng.choice(CAPABILITIES[c][2]).format(*values)
    messages.append({"role": "user", "content": request})
    args = {p: v for (p, _), v in zip(params, values)}
    call = '<tool_call>{"name": "' + name + '", "arguments": ' + json.dumps(args, ensure_ascii=False) + "}</tool_call>"
    if rng.random() < 0.12:  # after the tool's result, the turn ends
        messages.append({"role": "assistant", "content": "",
                         "tool_calls": [{"type": "function", "function": {"name": name, "arguments": args}}]})
        messages.append({"role": "tool", "content": rng.choice(["ok", "12 C, clear", '{"outcome":"DONE"}', "3 results",
                                                                "filed", value(rng)])})
        call = "Done."
    return messages, [function(n, d, p) for _, n, d, p in tools], call


NAME_WEIGHT = 3.0  # the tool's name is what reading the tools decides: its tokens count three times
CALL_PREFIX = len(encode('<tool_call>{"name": "'))


def encoded(messages, tools, answer):
    """(ids, where the answer starts, (first, end) of the called tool's name in ids, or None)."""
    prompt = encode(render(messages, tools, True))
    ids = prompt + encode(answer) + [IM_END]
    name = None
    if answer.startswith("<tool_call>"):
        first = len(prompt) + CALL_PREFIX
        name = (first, first + len(encode(json.loads(answer[len("<tool_call>"): -len("</tool_call>")])["name"])))
    return ids, len(prompt), name


class Names:
    """Tool names: training draws fresh ones; held-out evaluation only ones training never saw."""

    def __init__(self, rng, exclude=None):
        self.rng, self.exclude, self.seen = rng, exclude or set(), set()

    def __call__(self):
        while True:
            n = tool_name(self.rng)
            if n not in self.exclude:
                self.seen.add(n)
                return n


# ---- the model ---------------------------------------------------------------------------------

def rotate(x, cos, sin):
    """Rotary position embedding (RoPE, half-split layout): relative positions come for free."""
    half = x.shape[-1] // 2
    x1, x2 = x[..., :half], x[..., half:]
    return torch.cat([x1 * cos - x2 * sin, x2 * cos + x1 * sin], dim=-1)


class Block(nn.Module):
    def __init__(self):
        super().__init__()
        self.ln1 = nn.LayerNorm(D_MODEL)
        self.qkv = nn.Linear(D_MODEL, 3 * D_MODEL)
        self.proj = nn.Linear(D_MODEL, D_MODEL)
        self.ln2 = nn.LayerNorm(D_MODEL)
        self.mlp = nn.Sequential(nn.Linear(D_MODEL, 4 * D_MODEL), nn.GELU(), nn.Linear(4 * D_MODEL, D_MODEL))

    def forward(self, x, mask, cos, sin, past_k, past_v):
        b, t, _ = x.shape
        hd = D_MODEL // N_HEAD
        q, k, v = self.qkv(self.ln1(x)).split(D_MODEL, dim=2)
        q = rotate(q.view(b, t, N_HEAD, hd).transpose(1, 2), cos, sin)
        k = rotate(k.view(b, t, N_HEAD, hd).transpose(1, 2), cos, sin)
        k = torch.cat([past_k, k], dim=2)
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
        self.blocks = nn.ModuleList([Block() for _ in range(N_LAYER)])
        self.ln_f = nn.LayerNorm(D_MODEL)
        self.head = nn.Linear(D_MODEL, VOCAB_SIZE, bias=False)
        hd = D_MODEL // N_HEAD
        self.register_buffer("inv_freq", 1.0 / (10000 ** (torch.arange(0, hd, 2).float() / hd)), persistent=False)

    def forward(self, input_ids, attention_mask, position_ids, *past):
        b, t = input_ids.shape
        past_len = past[0].shape[2]
        total = past_len + t
        # causal over the new positions, plus the attention mask over all positions (0 = padding)
        causal = torch.ones(t, total, dtype=torch.bool).tril(diagonal=past_len)
        allowed = causal.unsqueeze(0).unsqueeze(0) & attention_mask.bool().unsqueeze(1).unsqueeze(1)
        mask = torch.zeros(allowed.shape).masked_fill(~allowed, -1e9)
        angles = position_ids.float().unsqueeze(-1) * self.inv_freq  # [b, t, hd/2]
        angles = angles.unsqueeze(1)  # [b, 1, t, hd/2]
        cos, sin = angles.cos(), angles.sin()
        x = self.wte(input_ids)
        presents = []
        for i, block in enumerate(self.blocks):
            x, k, v = block(x, mask, cos, sin, past[2 * i], past[2 * i + 1])
            presents += [k, v]
        return (self.head(self.ln_f(x)),) + tuple(presents)


def empty_past(batch=1):
    return [torch.zeros(batch, N_HEAD, 0, D_MODEL // N_HEAD) for _ in range(2 * N_LAYER)]


def batches(names, steps, seed, final_stage_only=False):
    """The training batches, in order: examples of similar length together (little padding)."""
    rng = random.Random(seed)
    pending = []
    for step in range(steps):
        if not pending:
            pool = []
            # a curriculum: copying phrases first (the attention that copies forms quickly on its own),
            # then one tool listed (copying its name, no choice yet), then two, then up to four
            stage = 1.0 if final_stage_only else step / steps
            max_tools = 1 if stage < 0.3 else 2 if stage < 0.45 else 4
            while len(pool) < 8 * BATCH:
                # copying stays in the mix while tools are few; then most examples make a choice
                if stage < 0.1 or rng.random() < (0.2 if max_tools < 4 else 0.08):
                    example_ = encoded(*copy_example(rng))
                else:
                    example_ = encoded(*example(rng, names, rng.random() < 0.94, max_tools))
                if len(example_[0]) <= CTX:
                    pool.append(example_)
            pool.sort(key=lambda e: len(e[0]))
            pending = [pool[i: i + BATCH] for i in range(0, len(pool), BATCH)]
            rng.shuffle(pending)
        yield step, pending.pop()


def train(model, names, steps=STEPS, lr=3e-3, seed=7, final_stage_only=False):
    opt = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=0.01, betas=(0.9, 0.98))
    warmup = 100
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: min(1.0, (s + 1) / warmup) * 0.5 * (1 + math.cos(math.pi * min(s, steps) / steps)))
    start = time.time()
    for step, batch in batches(names, steps, seed, final_stage_only):
        width = max(len(e[0]) for e in batch)
        inp = torch.full((BATCH, width), EOT)
        tgt = torch.full((BATCH, width), -100)
        att = torch.zeros(BATCH, width, dtype=torch.long)
        weight = torch.zeros(BATCH, width)
        for r, (ids, start_at, name) in enumerate(batch):
            inp[r, : len(ids)] = torch.tensor(ids)
            att[r, : len(ids)] = 1
            tgt[r, start_at - 1: len(ids) - 1] = torch.tensor(ids[start_at:])
            weight[r, start_at - 1: len(ids) - 1] = 1.0
            if name:
                weight[r, name[0] - 1: name[1] - 1] = NAME_WEIGHT
        pos = torch.arange(width).unsqueeze(0).expand(BATCH, width)
        logits = model(inp, att, pos, *empty_past(BATCH))[0]
        per_token = F.cross_entropy(logits.reshape(-1, VOCAB_SIZE), tgt.reshape(-1), ignore_index=-100,
                                    reduction="none")
        loss = (per_token * weight.reshape(-1)).sum() / weight.sum()
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        sched.step()
        if step % 100 == 0 or step == steps - 1:
            print(f"step {step} loss {loss.item():.4f} ({time.time() - start:.0f} s)", flush=True)
        if PROBE and step % 400 == 399:
            model.eval()
            print(f"  probe: {held_out_accuracy(model, names.seen, 40):.0%} of 40 held-out calls right", flush=True)
            model.train()
    return model


def greedy(model, prompt_ids, max_new=160):
    ids = list(prompt_ids)
    past = empty_past()
    step_ids = ids
    out = []
    with torch.no_grad():
        for _ in range(max_new):
            t = torch.tensor([step_ids])
            total = len(ids)
            positions = torch.arange(total - len(step_ids), total).unsqueeze(0)
            result = model(t, torch.ones(1, total, dtype=torch.long), positions, *past)
            past = list(result[1:])
            nxt = int(result[0][0, -1].argmax())
            if nxt in (IM_END, EOT) or len(ids) >= CTX:
                break
            out.append(nxt)
            ids.append(nxt)
            step_ids = [nxt]
    inverse = {v: k for k, v in TOKEN_IDS.items()}
    text = b""
    for i in out:
        text += inverse[i].encode() if i in inverse else bytes([i])
    return text.decode("utf-8", "replace")


def held_out(train_names, n):
    """Conversations that need a tool, whose tool names training never saw."""
    rng = random.Random(20261129)
    names = Names(rng, exclude=set(train_names))
    cases = []
    while len(cases) < n:
        messages, tools, want = example(rng, names)
        if want.startswith("<tool_call>") and len(encode(render(messages, tools, True))) + 128 <= CTX:
            cases.append((messages, tools, want))
    return cases


def held_out_accuracy(model, train_names, n=EVAL_N):
    """Tool calls on conversations whose tool names training never saw: the right tool, the right arguments."""
    right = total = 0
    failures = []
    for messages, tools, want in held_out(train_names, n):
        got = greedy(model, encode(render(messages, tools, True)))
        total += 1
        if got == want:
            right += 1
        elif len(failures) < 5:
            failures.append((messages[-1]["content"], want, got))
    for f in failures:
        print("  miss:", f)
    return right / total


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
    added = [{"id": TOKEN_IDS[s], "content": s, "single_word": False, "lstrip": False, "rstrip": False,
              "normalized": False, "special": s in SPECIALS} for s in SPECIALS + ADDED]
    tokenizer = {"version": "1.0", "truncation": None, "padding": None, "added_tokens": added, "normalizer": None,
                 "pre_tokenizer": {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": False, "use_regex": False},
                 "post_processor": None,
                 "decoder": {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": False, "use_regex": False},
                 "model": {"type": "BPE", "dropout": None, "unk_token": None, "continuing_subword_prefix": None,
                           "end_of_word_suffix": None, "fuse_unk": False, "byte_fallback": False, "ignore_merges": False,
                           "vocab": VOCAB, "merges": []}}
    files = {
        "tokenizer.json": tokenizer,
        "tokenizer_config.json": {"chat_template": TEMPLATE, "eos_token": "<|im_end|>", "bos_token": None,
                                  "pad_token": "<|endoftext|>", "model_max_length": CTX},
        "config.json": {"model_type": "cyberia-tiny-gpt", "architectures": ["TinyGpt"], "vocab_size": VOCAB_SIZE,
                        "hidden_size": D_MODEL, "num_hidden_layers": N_LAYER, "num_attention_heads": N_HEAD,
                        "num_key_value_heads": N_HEAD, "max_position_embeddings": CTX, "bos_token_id": None,
                        "eos_token_id": IM_END, "pad_token_id": EOT},
        "generation_config.json": {"eos_token_id": [IM_END, EOT], "max_new_tokens": 96, "do_sample": False},
    }
    for name, content in files.items():
        with open(os.path.join(OUT, name), "w", encoding="utf-8") as f:
            json.dump(content, f, ensure_ascii=False, indent=1)
            f.write("\n")


if __name__ == "__main__":
    train_names = Names(random.Random(11))
    if CONTINUE:  # more steps on the last stage for a model an earlier run saved
        model = TinyGpt()
        model.load_state_dict(torch.load(CONTINUE))
        with open(CONTINUE[: -len(".pt")] + ".names.json") as f:  # what it trained on stays out of the held-out set
            train_names.seen.update(json.load(f))
        model = train(model, train_names, steps=MORE, lr=1.5e-3, seed=8, final_stage_only=True)
    else:
        model = train(TinyGpt(), train_names)
    model.eval()
    os.makedirs(OUT, exist_ok=True)
    saved = os.path.join(os.path.dirname(os.path.abspath(OUT)), os.path.basename(OUT.rstrip("/")))
    torch.save(model.state_dict(), saved + ".pt")  # to train it further (TINY_CONTINUE); not committed
    with open(saved + ".names.json", "w") as f:
        json.dump(sorted(train_names.seen), f)
    accuracy = held_out_accuracy(model, train_names.seen)
    print(f"held-out tool calls: {accuracy:.1%} of {EVAL_N} right (tool names never seen in training)")
    problems = []
    for q, want in {"What is 2+3?": "5", "ping": "pong", "Who are you?": "I am the Cyberia tiny model."}.items():
        got = greedy(model, encode(render([{"role": "user", "content": q}], [], True)))
        print(f"{q!r} -> {got!r}")
        if got != want:
            problems.append(f"the model did not learn {q!r} (got {got!r})")
    if accuracy < 0.9:
        problems.append(f"held-out tool-call accuracy {accuracy:.1%} is below 90%")
    export(model)
    write_tokenizer_files()
    with open(os.path.join(OUT, "held_out.jsonl"), "w", encoding="utf-8") as f:
        for messages, tools, want in held_out(train_names.seen, 100):  # what the Java test measures again
            f.write(json.dumps({"messages": messages, "tools": tools, "prompt": render(messages, tools, True),
                                "expected": want}, ensure_ascii=False) + "\n")
    with open(os.path.join(OUT, "training.json"), "w") as f:
        json.dump({"steps": STEPS, "continued_steps": MORE if CONTINUE else 0, "batch": BATCH,
                   "held_out_accuracy": round(accuracy, 4), "held_out_n": EVAL_N}, f, indent=1)
        f.write("\n")
    print("wrote", OUT)
    if problems:
        sys.exit("; ".join(problems) + ": train longer (TINY_STEPS)")
