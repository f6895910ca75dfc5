"""A vectorized numpy twin of multiref's multi-reference DPO scoring (sigmoid loss), written from
docs/math.md#dpo independently of the Java code.

  python3 numpy_dpo_twin.py fixture DIR      writes DIR/pairs.jsonl and DIR/expected-{reverse-kl,forward-kl}.jsonl
                                             (beta 0.1, weights 0.2,0.3,0.5) for the command-line tests
  python3 numpy_dpo_twin.py bench WORKLOAD.bin [JAVA.bin]
                                             times the scoring of the Java benchmark's workload
"""
import json
import sys
import time

import numpy as np


def softplus(x):
    return np.logaddexp(0.0, x)


def score(divergence, beta, w, lw, ll, rw, rl):
    """lw, ll [P]; rw, rl [K, P]; returns loss, logit, grad_chosen, grad_rejected, rewards."""
    if divergence == 'reverse-kl':
        chosen = beta * (lw - w @ rw)
        rejected = beta * (ll - w @ rl)
        slope_w = slope_l = beta
    elif divergence == 'forward-kl':
        # f'(t) = -1/t: reward = beta sum_i w_i (1 - pi_i/pi) = beta (1 - exp(m - l))
        mw = np.logaddexp.reduce(np.log(w)[:, None] + rw, axis=0)
        ml = np.logaddexp.reduce(np.log(w)[:, None] + rl, axis=0)
        chosen = beta * -np.expm1(mw - lw)
        rejected = beta * -np.expm1(ml - ll)
        slope_w = beta * np.exp(mw - lw)  # beta sum_i w_i t f''(t), t f'' = 1/t
        slope_l = beta * np.exp(ml - ll)
    else:
        raise ValueError(divergence)
    z = chosen - rejected
    loss = softplus(-z)
    sig = np.exp(-softplus(z))  # sigmoid(-z)
    return loss, z, -sig * slope_w, sig * slope_l, chosen, rejected


def fixture(out_dir):
    rng = np.random.default_rng(20261129)
    p, k = 40, 3
    lw, ll = -rng.uniform(5, 60, p), -rng.uniform(5, 60, p)
    rw = lw + rng.normal(size=(k, p)) * 2
    rl = ll + rng.normal(size=(k, p)) * 2
    with open(f'{out_dir}/pairs.jsonl', 'w') as f:
        for j in range(p):
            f.write(json.dumps({'prompt': f'q{j}', 'chosen_logps': lw[j], 'rejected_logps': ll[j],
                                'ref_chosen_logps': rw[:, j].tolist(),
                                'ref_rejected_logps': rl[:, j].tolist()}) + '\n')
    w = np.array([0.2, 0.3, 0.5])
    for name in ('reverse-kl', 'forward-kl'):
        cols = score(name, 0.1, w, lw, ll, rw, rl)
        keys = ('loss', 'logit', 'grad_chosen', 'grad_rejected', 'chosen_reward', 'rejected_reward')
        with open(f'{out_dir}/expected-{name}.jsonl', 'w') as f:
            for j in range(p):
                f.write(json.dumps({key: float(col[j]) for key, col in zip(keys, cols)}) + '\n')


def bench(path, java_path=None, repeats=21):
    with open(path, 'rb') as f:
        p, k = np.fromfile(f, dtype='<i8', count=2)
        beta = np.fromfile(f, dtype='<f8', count=1)[0]
        w = np.fromfile(f, dtype='<f8', count=k)
        lw = np.fromfile(f, dtype='<f8', count=p)
        ll = np.fromfile(f, dtype='<f8', count=p)
        rw = np.fromfile(f, dtype='<f8', count=k * p).reshape(k, p)
        rl = np.fromfile(f, dtype='<f8', count=k * p).reshape(k, p)
    score('reverse-kl', beta, w, lw, ll, rw, rl)
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        out = score('reverse-kl', beta, w, lw, ll, rw, rl)
        times.append(time.perf_counter() - t)
    print(f'numpy dpo: median {np.median(times) * 1e3:.1f} ms, {p / np.median(times) / 1e6:.1f} M pairs/s')
    if java_path:
        java = np.fromfile(java_path, dtype='<f8').reshape(6, p)
        diff = max(np.abs(java[i] - out[i]).max() / max(1.0, np.abs(out[i]).max()) for i in range(6))
        print(f'largest relative difference java vs numpy: {diff:.2e}')


if __name__ == '__main__':
    if sys.argv[1] == 'fixture':
        fixture(sys.argv[2])
    else:
        bench(sys.argv[2], sys.argv[3] if len(sys.argv) > 3 else None)
