"""The numpy twin of DpoTrainingThroughput: the same full-batch multi-reference DPO loss and its
gradient in a tabular policy's logits (reverse KL, uniform weights, sigmoid loss), vectorized,
on the workload and at the point the Java benchmark wrote. Prints the median time and the same
objective and gradient norm, which must agree with Java's.

    python3 numpy_dpo_training_twin.py WORKLOAD.bin [repeats]
"""
import sys
import time

import numpy as np

path = sys.argv[1]
repeats = int(sys.argv[2]) if len(sys.argv) > 2 else 21
with open(path, "rb") as f:
    P, C, K, N = np.frombuffer(f.read(32), dtype="<i8")
    beta = np.frombuffer(f.read(8), dtype="<f8")[0]
    refs = np.frombuffer(f.read(8 * P * C * K), dtype="<f8").reshape(P, C, K)
    prompt = np.frombuffer(f.read(4 * N), dtype="<i4").astype(np.int64)
    chosen = np.frombuffer(f.read(4 * N), dtype="<i4").astype(np.int64)
    rejected = np.frombuffer(f.read(4 * N), dtype="<i4").astype(np.int64)
    theta = np.frombuffer(f.read(8 * P * C), dtype="<f8").reshape(P, C)
alpha = np.full(K, 1.0 / K)
escort = refs @ alpha  # sum_i alpha_i log pi_i, per prompt and candidate
w_row = prompt * C + chosen
l_row = prompt * C + rejected


def loss_and_gradient(theta):
    m = theta.max(axis=1, keepdims=True)
    log_z = m + np.log(np.exp(theta - m).sum(axis=1, keepdims=True))
    log_pi = (theta - log_z).ravel()
    pi = np.exp(log_pi)
    e = escort.ravel()
    z = beta * ((log_pi[w_row] - e[w_row]) - (log_pi[l_row] - e[l_row]))
    loss = np.logaddexp(0.0, -z).sum()  # -log sigmoid(z)
    dz = -beta / (1.0 + np.exp(z))  # d loss / d log pi_w; the rejected side has the opposite
    grad = np.bincount(w_row, weights=dz, minlength=P * C) - np.bincount(l_row, weights=dz,
                                                                          minlength=P * C)
    # the prompt slopes (g_w + g_l) are 0 for reverse KL; kept for the same computation
    slope = np.bincount(prompt, weights=dz - dz, minlength=P)
    grad -= np.repeat(slope, C) * pi
    return loss, grad


times = []
for r in range(repeats + 2):
    t = time.perf_counter()
    value, grad = loss_and_gradient(theta)
    if r >= 2:
        times.append((time.perf_counter() - t) * 1e3)
times.sort()
print(f"numpy full-batch loss and gradient, {N} pairs: median {times[len(times) // 2]:.1f} ms"
      f" (min {times[0]:.1f}, max {times[-1]:.1f}); objective {value:.12g},"
      f" |gradient| {np.sqrt((grad ** 2).sum()):.12g}")
