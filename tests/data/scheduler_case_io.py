"""The fake model and the file helpers shared by the scheduler-case generators beside this file."""
import os

import numpy as np
import torch

FAKE_MODEL = ("model_output = 0.5 * tanh(sample_input) + 0.001 * t, in float32 with "
              "c = float32(0.001 * double(t)) (see tests/data/README.md)")


def fake_model(x_in, t):
    c = torch.tensor(np.float32(0.001 * float(t)))
    return 0.5 * torch.tanh(x_in) + c


def json_safe(value):
    if isinstance(value, float) and not np.isfinite(value):
        return "inf" if value > 0 else ("-inf" if value < 0 else "nan")
    if isinstance(value, (list, tuple)):
        return [json_safe(v) for v in value]
    if isinstance(value, dict):
        return {k: json_safe(v) for k, v in value.items()}
    return value


def save(folder, name, array):
    np.save(os.path.join(folder, name), np.ascontiguousarray(array))
