"""Sampled responses against the exact optimum, with numpy alone (an independent twin).

For P prompts: a response space of V responses, small enough to enumerate; K = 2 references whose
logits share a Gaussian base (standard deviation SPREAD nats) and differ by independent Gaussian
perturbations (DISAGREEMENT nats each); rewards uniform on [0, 4]; N responses drawn i.i.d. from
the proposal q = (pi_1 + pi_2) / 2, as a user who samples from both models has them. Writes the
samples as `multiref estimate` input (samples.jsonl), and exact.json with, per prompt, the exact
reverse-KL optimum J* = beta log C (a log-sum-exp over the whole space), this twin's own
self-normalized estimate of it from the same samples, the value `solve` tends to on such samples as
N grows, and every field `multiref estimate` writes
for reverse and forward KL, computed here (the fixture of EstimateCommandTest).

    python3 sampled_twin.py OUT_DIR [prompts] [vocabulary] [samples] [seed] [spread] [disagreement]
        [mixture|uniform]

(uniform: q is uniform over the space instead, the case where solve's renormalization is right)
"""
import json
import sys

import numpy as np
from scipy.optimize import brentq

out = sys.argv[1]
P = int(sys.argv[2]) if len(sys.argv) > 2 else 200
V = int(sys.argv[3]) if len(sys.argv) > 3 else 300
N = int(sys.argv[4]) if len(sys.argv) > 4 else 64
rng = np.random.default_rng(int(sys.argv[5]) if len(sys.argv) > 5 else 0)
S = float(sys.argv[6]) if len(sys.argv) > 6 else 2.0
D = float(sys.argv[7]) if len(sys.argv) > 7 else 1.0
uniform = len(sys.argv) > 8 and sys.argv[8] == "uniform"
beta, alpha = 1.0, np.array([0.5, 0.5])


def logsumexp(x, axis=None):
    m = np.max(x, axis=axis, keepdims=True)
    return np.squeeze(m + np.log(np.sum(np.exp(x - m), axis=axis, keepdims=True)), axis=axis)


Z = 1.959963984540054


def reverse_kl(reward, refs, log_q):
    """Every field of `multiref estimate --divergence reverse-kl`, from the definitions."""
    n = len(reward)
    log_u = alpha @ refs + reward / beta
    log_w = log_u - log_q
    lw = log_w - logsumexp(log_w)
    w = np.exp(lw)
    log_norm = logsumexp(log_w) - np.log(n)
    rel = np.sum((n * w - 1) ** 2) / (n * (n - 1))  # var(w) / (N mean(w)^2)
    value = beta * log_norm
    return {"log_weights": lw.tolist(), "log_normalizer": log_norm, "value": value,
            "value_ci": [value - Z * beta * np.sqrt(rel), value + Z * beta * np.sqrt(rel)],
            "expected_reward": float(w @ reward),
            "kl_to_references": [float(w @ (log_u - log_norm - refs[i])) for i in range(2)],
            "ess": float(1 / np.sum(w ** 2))}


def forward_kl(reward, refs, log_q):
    """Every field of `multiref estimate --divergence forward-kl`: lambda by Brent's method on the
    sample normalization in t = lambda - max r, the value as the mean of its importance-sampling
    terms, the interval from their influence with lambda's estimating equation."""
    n = len(reward)
    mix_over_q = np.exp(logsumexp(refs + np.log(alpha)[:, None], axis=0) - log_q)
    gap = reward.max() - reward
    g = lambda log_t: np.mean(beta * mix_over_q / (np.exp(log_t) + gap)) - 1
    t = np.exp(brentq(g, -700, np.log(beta * mix_over_q.sum() / n) + 1, xtol=1e-15, rtol=1e-15))
    lam = reward.max() + t
    w = beta * mix_over_q / (t + gap)  # pi*/q, mean 1
    w = w / w.mean()
    log_pi = np.log(w) + log_q
    v = np.exp(refs - log_q)  # pi_i / q
    kl = [float(np.mean(v[i] * (refs[i] - log_pi))) for i in range(2)]
    h = w * reward - beta * (alpha @ (v * (refs - log_pi)))
    value = float(np.mean(w * reward) - beta * (alpha @ np.array(kl)))
    d_psi = -np.mean(w / (lam - reward))
    d_h = -np.mean(w * lam / (lam - reward))
    influence = h - value - (d_h / d_psi) * (w - 1)
    half = Z * np.sqrt(np.sum(influence ** 2) / (n * (n - 1)))
    lw = np.log(w / n)
    return {"log_weights": lw.tolist(), "lambda": lam, "value": value,
            "value_ci": [value - half, value + half], "expected_reward": float(np.mean(w * reward)),
            "kl_to_references": kl, "ess": float(n * n / np.sum(w ** 2))}


exact, twin, fields, limit = [], [], [], []
with open(f"{out}/samples.jsonl", "w") as f:
    for p in range(P):
        refs = S * rng.standard_normal(V) + D * rng.standard_normal((2, V))
        refs -= logsumexp(refs, axis=1)[:, None]
        reward = 4 * rng.random(V)
        log_u = alpha @ refs + reward / beta
        exact.append(beta * logsumexp(log_u))
        log_q = np.full(V, -np.log(V)) if uniform else logsumexp(refs + np.log(0.5), axis=0)
        q = np.exp(log_q - logsumexp(log_q))
        # where `solve` on the samples goes as N grows: beta log(E_q u / prod_i E_q[pi_i]^alpha_i)
        limit.append(beta * (logsumexp(log_u + np.log(q)) - alpha @ logsumexp(refs + np.log(q), axis=1)))
        draws = rng.choice(V, N, p=q)
        log_w = log_u[draws] - log_q[draws]
        twin.append(beta * (logsumexp(log_w) - np.log(N)))
        fields.append({"reverse-kl": reverse_kl(reward[draws], refs[:, draws], log_q[draws]),
                       "forward-kl": forward_kl(reward[draws], refs[:, draws], log_q[draws])})
        f.write(json.dumps({
            "prompt": f"p{p}", "responses": [f"y{d}" for d in draws],
            "reward": reward[draws].tolist(), "ref_logprobs": refs[:, draws].tolist(),
            "proposal_logprobs": log_q[draws].tolist()}) + "\n")
json.dump({"beta": beta, "exact": exact, "twin": twin, "solve_limit": limit, "fields": fields},
          open(f"{out}/exact.json", "w"))
