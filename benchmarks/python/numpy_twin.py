"""A vectorized numpy twin of multiref's reverse-KL and forward-KL solvers.

Written independently of the Java code, straight from docs/math.md (#reverse-kl, #forward-kl). Two uses:

  python3 numpy_twin.py fixture DIR
      writes DIR/input.jsonl and DIR/expected-{reverse-kl,forward-kl}.jsonl (beta 0.25, weights
      0.2,0.3,0.5): expected outputs of `multiref solve` for the command-line tests (forward KL's
      upper_bound: each reference's problem solved alone, averaged, docs/math.md#forward-kl-upper-bound).

  python3 numpy_twin.py bench WORKLOAD.bin [JAVA_POLICIES.bin]
      times the same computation as the Java benchmark on the same data (see run-solver-benchmark.sh)
      and prints reference entries per second; with the Java policies, their largest difference.
      Reverse KL is timed twice: as written from docs/math.md (solve_rkl, the anchor) and in the fastest
      numpy formulation found (solve_rkl_fast), so the ratio against the best numpy is on record too.
"""
import json
import sys
import time

import numpy as np
from scipy.special import logsumexp


def normalize(ref_logprobs):
    """Renormalize each reference over the candidates (multiref's default)."""
    return ref_logprobs - logsumexp(ref_logprobs, axis=-1, keepdims=True)


def lse(x, axis):
    """logsumexp along an axis for finite-or--inf input, without scipy's extra checks."""
    m = x.max(axis=axis, keepdims=True)
    m = np.where(np.isfinite(m), m, 0.0)
    return np.log(np.exp(x - m).sum(axis=axis)) + np.squeeze(m, axis=axis)


def tilted_escort(lp, w, r, beta):
    """The part both reverse-KL versions share: log pi* [P,N], log(Z F) [P], log F [P], r/beta."""
    escort = np.einsum('k,pkn->pn', w, lp)
    log_f = lse(escort, 1)
    scaled = r / beta
    tilted = escort + scaled
    log_zf = lse(tilted, 1)
    return tilted - log_zf[:, None], log_zf, log_f, scaled


def solve_rkl(lp, w, r, beta):
    """lp [P,K,N] normalized log-probs, w [K], r [P,N]: log pi* [P,N], objective [P], bound [P].

    Also computes log F (as the Java solver does), so both sides do the same work."""
    policy, log_zf, log_f, scaled = tilted_escort(lp, w, r, beta)
    bound = beta * (lse(lp + scaled[:, None, :], 2) @ w)
    return policy, beta * log_zf, bound, log_zf - log_f


def solve_rkl_fast(lp, w, r, beta):
    """solve_rkl as fast as numpy allows: the Hoelder bound from exp(lp) times one shared tilt, with
    no [P,K,N] log-space temporary.

    Exact for normalized references (every exp(lp) <= 1, tilt <= 1); only the benchmark uses it."""
    policy, log_zf, log_f, scaled = tilted_escort(lp, w, r, beta)
    top = scaled.max(axis=1, keepdims=True)
    tilt = np.exp(scaled - top)
    bound = beta * ((np.log(np.einsum('pkn,pn->pk', np.exp(lp), tilt)) + top) @ w)
    return policy, beta * log_zf, bound, log_zf - log_f


def solve_fkl(lp, w, r, beta, iterations=100):
    """Forward KL by vectorized bisection on lambda in [max(r_max, beta + r_min), beta + r_max]."""
    log_mix = lse(lp + np.log(w)[None, :, None], 1)
    mix = np.exp(log_mix)
    r_max = r.max(axis=1)
    lo = np.maximum(r_max, beta + r.min(axis=1))
    hi = beta + r_max
    for _ in range(iterations):
        mid = 0.5 * (lo + hi)
        with np.errstate(divide='ignore'):
            g = (beta * mix / (mid[:, None] - r)).sum(axis=1) - 1.0
        pos = g > 0
        lo = np.where(pos, mid, lo)
        hi = np.where(pos, hi, mid)
        if np.all(hi - lo <= 1e-15 * np.abs(hi)):
            break
    lam = 0.5 * (lo + hi)
    policy = np.log(beta) + log_mix - np.log(lam[:, None] - r)
    policy -= logsumexp(policy, axis=1, keepdims=True)
    # J_F = E_pi r - beta * sum_i w_i KL(pi_i || pi)
    p = np.exp(policy)
    kl = (np.exp(lp) * (lp - policy[:, None, :])).sum(axis=2)
    objective = (p * r).sum(axis=1) - beta * (kl @ w)
    return policy, objective, lam


def fkl_bound(lp, w, r, beta):
    """Corollary C.1: the w-average of the single-reference forward-KL optima [P], each solved alone."""
    return sum(w[k] * solve_fkl(lp[:, k:k + 1], np.ones(1), r, beta)[1] for k in range(len(w)))


def fixture(out_dir):
    rng = np.random.default_rng(20261129)
    beta, w = 0.25, np.array([0.2, 0.3, 0.5])
    lines, rows = [], []
    for p in range(12):
        n = int(rng.integers(2, 9))
        refs = rng.normal(size=(3, n)) * 3 - 20  # unnormalized sequence log-probs
        reward = rng.uniform(0, 2, size=n)
        lines.append(json.dumps({'prompt': f'prompt {p}, with a comma', 'responses': [f'r{j}' for j in range(n)],
                                 'reward': reward.tolist(), 'ref_logprobs': refs.tolist()}))
        rows.append((refs, reward))
    with open(f'{out_dir}/input.jsonl', 'w') as f:
        f.write('\n'.join(lines) + '\n')
    for name in ('reverse-kl', 'forward-kl'):
        with open(f'{out_dir}/expected-{name}.jsonl', 'w') as f:
            for p, (refs, reward) in enumerate(rows):
                lp = normalize(refs)[None]
                r = reward[None]
                if name == 'reverse-kl':
                    policy, obj, extra, _ = solve_rkl(lp, w, r, beta)
                    ref = np.einsum('k,pkn->pn', w, lp)
                    extra_key = 'upper_bound'
                else:
                    policy, obj, extra = solve_fkl(lp, w, r, beta)
                    ref = logsumexp(lp + np.log(w)[None, :, None], axis=1)
                    extra_key = 'lambda'
                ref = ref - logsumexp(ref, axis=1, keepdims=True)
                row = {'prompt': f'prompt {p}, with a comma', 'policy_logprobs': policy[0].tolist(),
                       'reference_logprobs': ref[0].tolist(), 'objective': float(obj[0]),
                       extra_key: float(extra[0])}
                if name == 'forward-kl':
                    row['upper_bound'] = float(fkl_bound(lp, w, r, beta)[0])
                f.write(json.dumps(row) + '\n')


def read_workload(path):
    with open(path, 'rb') as f:
        p, k, n = np.fromfile(f, dtype='<i8', count=3)
        beta = np.fromfile(f, dtype='<f8', count=1)[0]
        w = np.fromfile(f, dtype='<f8', count=k)
        lp = np.fromfile(f, dtype='<f8', count=p * k * n).reshape(p, k, n)
        r = np.fromfile(f, dtype='<f8', count=p * n).reshape(p, n)
    return lp, w, r, beta


def bench(path, java_path=None, repeats=21):
    lp, w, r, beta = read_workload(path)
    entries = lp.size
    results = {}
    for name, fn in (('rkl', solve_rkl), ('rkl-fast', solve_rkl_fast), ('fkl', solve_fkl)):
        fn(lp, w, r, beta)  # warm-up
        times = []
        for _ in range(repeats):
            t = time.perf_counter()
            policy = fn(lp, w, r, beta)[0]
            times.append(time.perf_counter() - t)
        results[name] = policy
        print(f'numpy {name}: median {np.median(times) * 1e3:.1f} ms, '
              f'{entries / np.median(times) / 1e6:.1f} M reference entries/s')
    if java_path:
        with open(java_path, 'rb') as f:
            java = np.fromfile(f, dtype='<f8').reshape(2, *r.shape)
        for i, name in ((0, 'rkl'), (0, 'rkl-fast'), (1, 'fkl')):
            diff = np.abs(np.exp(java[i]) - np.exp(results[name])).max()
            print(f'largest |pi_java - pi_numpy| ({name}): {diff:.2e}')


if __name__ == '__main__':
    if sys.argv[1] == 'fixture':
        fixture(sys.argv[2])
    else:
        bench(sys.argv[2], sys.argv[3] if len(sys.argv) > 3 else None)
