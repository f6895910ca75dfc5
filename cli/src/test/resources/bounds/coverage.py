"""Independent values for BoundsCommand's coverage conditions on references.jsonl (mpmath, 50
digits): the escort and the mixture of each prompt's renormalized references with weights
(0.3, 0.7), then each condition's constant by its own definition, each found by bisection in 50-digit arithmetic.
Run: python3 coverage.py (prints the expected log C per condition and divergence setting)."""
import json
import mpmath as mp

mp.mp.dps = 50
ALPHA = [mp.mpf('0.3'), mp.mpf('0.7')]
BETA, RMAX, EPS = mp.mpf('0.5'), mp.mpf(1), mp.mpf('0.1')


def normalize(logs):
    m = max(logs)
    z = mp.log(sum(mp.exp(l - m) for l in logs)) + m
    return [mp.exp(l - z) for l in logs]


def kl(a, b):  # binary KL divergence kl(a || b); 0 log 0 = 0
    first = a * mp.log(a / b)
    return first + (0 if a == 1 else (1 - a) * mp.log((1 - a) / (1 - b)))


def largest(p, reverse):  # largest t >= p with kl(t||p) (reverse) or kl(p||t) <= EPS
    g = (lambda t: kl(t, p)) if reverse else (lambda t: kl(p, t))
    if reverse and g(mp.mpf(1)) <= EPS:
        return mp.mpf(1)
    lo, hi = mp.log(p), mp.mpf(0)  # bisection in log t, 600 halvings
    for _ in range(600):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if g(mp.exp(mid)) <= EPS else (lo, mid)
    return mp.exp(lo)


def settings(line):
    refs = [normalize([mp.mpf(v) for v in r]) for r in line['ref_logprobs']]
    n = len(refs[0])
    escort = normalize([sum(a * mp.log(r[y]) for a, r in zip(ALPHA, refs)) for y in range(n)])
    mixture = [sum(a * r[y] for a, r in zip(ALPHA, refs)) for y in range(n)]
    return escort, mixture


def glob_rkl(p):
    a = RMAX / BETA
    return max(a - mp.log(1 - q + q * mp.exp(a)) for q in p)


def glob_fkl(p):
    out = []
    for q in p:  # beta q / (l - R) + beta (1 - q) / l = 1, the root with l > R
        # in u = log(l - R): f falls from +inf to -1 as u grows; bisection
        f = lambda u: BETA * q / mp.exp(u) + BETA * (1 - q) / (RMAX + mp.exp(u)) - 1
        lo, hi = mp.mpf(-5000), mp.mpf(10)
        for _ in range(400):
            mid = (lo + hi) / 2
            lo, hi = (mid, hi) if f(mid) > 0 else (lo, mid)
        out.append(mp.log(BETA) - (lo + hi) / 2)
    return max(out)


def ball(p, reverse):
    return max(mp.log(largest(q, reverse) / q) for q in p)


lines = [json.loads(l) for l in open(__file__.replace('coverage.py', 'references.jsonl'))]
for name, f in [('global', (glob_rkl, glob_fkl)),
                ('reverse-kl-ball', (lambda p: ball(p, True),) * 2),
                ('forward-kl-ball', (lambda p: ball(p, False),) * 2)]:
    rkl = [f[0](settings(l)[0]) for l in lines]
    fkl = [f[1](settings(l)[1]) for l in lines]
    print(name, 'rkl', mp.nstr(max(rkl), 17), 'at line', rkl.index(max(rkl)) + 1,
          'fkl', mp.nstr(max(fkl), 17), 'at line', fkl.index(max(fkl)) + 1)
