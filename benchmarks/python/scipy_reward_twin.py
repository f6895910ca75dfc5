"""scipy twin of multiref's linear Bradley-Terry reward learning: L-BFGS-B on
f(theta) = sum_i softplus(-x_i . theta) + l2/2 |theta|^2 with a vectorized numpy gradient.

  python3 scipy_reward_twin.py WORKLOAD.bin [JAVA_THETA.bin]
"""
import sys
import time

import numpy as np
from scipy.optimize import minimize
from scipy.special import expit


def main(path, java_path=None, repeats=5):
    with open(path, 'rb') as f:
        n, d = np.fromfile(f, dtype='<i8', count=2)
        l2, gtol = np.fromfile(f, dtype='<f8', count=2)
        x = np.fromfile(f, dtype='<f8', count=n * d).reshape(n, d)

    def fun(theta):
        z = x @ theta
        value = np.logaddexp(0.0, -z).sum() + 0.5 * l2 * theta @ theta
        grad = -(x.T @ expit(-z)) + l2 * theta
        return value, grad

    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        result = minimize(fun, np.zeros(d), jac=True, method='L-BFGS-B',
                          options={'maxcor': 10, 'gtol': gtol, 'ftol': 1e-15, 'maxiter': 10000})
        times.append(time.perf_counter() - t)
    print(f'scipy fit: median {np.median(times) * 1e3:.1f} ms, {result.nit} iterations, '
          f'objective {result.fun:.10g} ({result.message})')
    if java_path:
        theta = np.fromfile(java_path, dtype='<f8')
        print(f'largest |theta_java - theta_scipy|: {np.abs(theta - result.x).max():.2e}')


if __name__ == '__main__':
    main(sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else None)
