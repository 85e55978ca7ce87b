#!/usr/bin/env python3
"""Makes the cheap stand-ins a dishonest miner might serve while claiming models/tiny-chat: the same
network with every weight matrix quantised and dequantised again (fake quantisation, per output
column, symmetric), at 8 bits ("int8") and 4 bits ("int4"). The tokenizer, template and config
are copied unchanged, so the stand-ins answer the same requests in the same format: only their
numbers differ, as with a cheaper quantisation of a listed model. The trust tests and
DetectionBenchmark use them to measure how soon a spot-checking buyer catches such a miner.

Run with Debian's ONNX (apt-get install python3-onnx):
    /usr/bin/python3 models/make_stand_ins.py models/tiny-chat
It writes models/tiny-chat-int8 and models/tiny-chat-int4 next to it. The output is committed;
tests never run Python.
"""
import os
import shutil
import sys

import numpy as np
import onnx
from onnx import numpy_helper

SOURCE = sys.argv[1] if len(sys.argv) > 1 else "models/tiny-chat"


def fake_quantise(weights, bits):
    """Rounds each column to 2^(bits-1)-1 levels of its own scale, and back to float32."""
    levels = 2 ** (bits - 1) - 1
    scale = np.abs(weights).max(axis=0, keepdims=True) / levels
    scale[scale == 0] = 1
    return (np.round(weights / scale) * scale).astype(np.float32)


def stand_in(bits):
    out = SOURCE.rstrip("/") + "-int%d" % bits
    os.makedirs(out, exist_ok=True)
    for name in os.listdir(SOURCE):
        if name != "model.onnx" and name != "held_out.jsonl" and name != "training.json":
            shutil.copy(os.path.join(SOURCE, name), os.path.join(out, name))
    model = onnx.load(os.path.join(SOURCE, "model.onnx"))
    changed = 0
    for tensor in model.graph.initializer:
        a = numpy_helper.to_array(tensor)
        if a.dtype == np.float32 and a.ndim == 2 and a.size > 1000:
            tensor.CopyFrom(numpy_helper.from_array(fake_quantise(a, bits), tensor.name))
            changed += 1
    onnx.save(model, os.path.join(out, "model.onnx"))
    print("%s: %d weight matrices at %d bits" % (out, changed, bits))


if __name__ == "__main__":
    stand_in(8)
    stand_in(4)
