"""Optima of the multi-reference f-divergence problem at real log-probability magnitudes.

Independent of the Java code: each instance is solved from the textbook KKT conditions
    r(y) - beta * sum_i alpha_i f'(p(y) / pi_i(y)) = lambda   where p(y) > 0
(a reference without mass at y contributing alpha_i f'(inf)), in mpmath with enough digits that
lambda itself is held to the precision the policy needs (about span + 60 digits for references
spanning `span` nats), by plain bracketing on lambda and on each p(y). The objective is then
evaluated from f itself, J = sum_y p r - beta sum_i alpha_i sum_y pi_i f(p / pi_i).

Instances are shaped like language-model outputs: raw sequence log-probabilities in [-400, -50]
(a fifth of them in [-1e4, -9e3]), responses spread over 5 to 1000 nats, references that
disagree per response by 1, 30 or 100 nats, a few responses without mass in some reference,
K from 1 to 8, rewards in [0, 1] or [0, 10], beta log-uniform in [1e-3, 10]. Each reference is
normalized over the candidates in mpmath and rounded to a double; those doubles are the instance
(Java reads the same values).

Run:  python3 generate.py            (writes optima.txt beside it: the built-in divergences)
      python3 generate.py neyman-chi2 OUT.txt   (some divergences, comma-separated: a plugin's)
      python3 generate.py derivatives [NAME OUT.csv]   (f' and its inverses: derivatives.csv)
"""
import random
import sys

import mpmath as mp

HERE = __file__.rsplit('/', 1)[0] if '/' in __file__ else '.'


class F:
    """A divergence from its textbook generator f, derivative f' and the limits of f'.

    `steepness` is the power of t at which f'(inf) - f'(t) vanishes (1 where that is not a
    power): lambda must then be held to span * steepness / ln 10 digits below its saturation."""

    def __init__(self, name, f, fp, fp0, fpinf, f0, inverse, steepness=1.0):
        self.name, self.f, self.fp, self.fp0, self.fpinf, self.f0 = name, f, fp, fp0, fpinf, f0
        self.inverse = inverse  # (f')^-1 on (f'(0+), f'(inf))
        self.steepness = steepness


def java_double(x):
    """Java's Double.toString for the few parameters used here (1e-06 -> 1.0E-6)."""
    text = repr(x)
    if 'e' in text:
        mantissa, exponent = text.split('e')
        return '%sE%d' % (mantissa if '.' in mantissa else mantissa + '.0', int(exponent))
    return text


def alpha(a):
    a = mp.mpf(a)
    fp0 = -1 / (a - 1) if a > 1 else -mp.inf
    fpinf = 1 / (1 - a) if a < 1 else mp.inf
    f0 = 1 / a if a > 0 else mp.inf
    return F('alpha:a=%s' % java_double(float(a)),
             lambda t: (t ** a - a * t - (1 - a)) / (a * (a - 1)),
             lambda t: (t ** (a - 1) - 1) / (a - 1), fp0, fpinf, f0,
             lambda u: (1 + (a - 1) * u) ** (1 / (a - 1)), max(1.0, float(1 - a)))


def divergences():
    """The divergences, with their constants (log 2, 1/(1-a), ...) at the current precision:
    call this after setting mp.dps."""
    return {
        'reverse-kl': F('reverse-kl', lambda t: t * mp.log(t), lambda t: mp.log(t) + 1,
                        -mp.inf, mp.inf, mp.mpf(0), lambda u: mp.e ** (u - 1)),
        'forward-kl': F('forward-kl', lambda t: -mp.log(t), lambda t: -1 / t, -mp.inf,
                        mp.mpf(0), mp.inf, lambda u: -1 / u),
        'pearson-chi2': F('pearson-chi2', lambda t: (t - 1) ** 2, lambda t: 2 * (t - 1),
                          mp.mpf(-2), mp.inf, mp.mpf(1), lambda u: 1 + u / 2),
        'squared-hellinger': F('squared-hellinger', lambda t: (mp.sqrt(t) - 1) ** 2,
                               lambda t: 1 - 1 / mp.sqrt(t), -mp.inf, mp.mpf(1), mp.mpf(1),
                               lambda u: 1 / (1 - u) ** 2),
        'jensen-shannon': F('jensen-shannon',
                            lambda t: t * mp.log(t) - (1 + t) * mp.log((1 + t) / 2),
                            lambda t: mp.log(2 * t / (1 + t)), -mp.inf, mp.log(2), mp.log(2),
                            lambda u: mp.e ** u / (2 - mp.e ** u)),
        'neyman-chi2': F('neyman-chi2', lambda t: (t - 1) ** 2 / t, lambda t: 1 - 1 / t ** 2,
                         -mp.inf, mp.mpf(1), mp.inf, lambda u: 1 / mp.sqrt(1 - u), 2.0),
        'alpha:a=0.0': alpha(0.0),
        'alpha:a=1.0E-6': alpha(1e-6),
        'alpha:a=0.999999': alpha(1 - 1e-6),
        'alpha:a=-1.0': alpha(-1.0),
        'alpha:a=-0.5': alpha(-0.5),
        'alpha:a=0.25': alpha(0.25),
        'alpha:a=0.5': alpha(0.5),
        'alpha:a=0.75': alpha(0.75),
        'alpha:a=2.0': alpha(2.0),
        'alpha:a=3.0': alpha(3.0),
    }


BUILT_IN = ['reverse-kl', 'forward-kl', 'pearson-chi2', 'squared-hellinger', 'jensen-shannon',
            'alpha:a=-1.0', 'alpha:a=-0.5', 'alpha:a=0.25', 'alpha:a=0.5', 'alpha:a=0.75', 'alpha:a=2.0',
            'alpha:a=3.0']


def instance(rng):
    mp.mp.dps = 50
    n = rng.choice([2, 3, 4, 6, 8, 12, 16, 24])
    k = rng.randint(1, 8)
    spread = mp.e ** rng.uniform(float(mp.log(5)), float(mp.log(1000)))
    disagreement = min(float(spread), rng.choice([1.0, 30.0, 100.0]))
    offset = rng.uniform(-1e4, -9e3) if rng.random() < 0.2 else rng.uniform(-400, -50)
    zeros = rng.random() < 0.3
    base = [rng.uniform(-float(spread), 0) for _ in range(n)]
    common = rng.randrange(n)
    refs = []
    for _ in range(k):
        raw = [offset + base[y] + rng.gauss(0, disagreement) for y in range(n)]
        for y in range(n):
            if zeros and y != common and rng.random() < 0.15:
                raw[y] = None
        total = mp.log(mp.fsum(mp.e ** mp.mpf(v) for v in raw if v is not None))
        refs.append([float(mp.mpf(v) - total) if v is not None else float('-inf') for v in raw])
    w = [rng.expovariate(1.0) for _ in range(k)]
    alpha_w = [x / sum(w) for x in w]
    r_max = rng.choice([1.0, 10.0])
    reward = [rng.uniform(0, r_max) for _ in range(n)]
    beta = 10 ** rng.uniform(-3, 1)
    return dict(references=refs, weights=alpha_w, reward=reward, beta=beta)


class OutOfRange(Exception):
    """An instance whose optimum a double cannot hold (chi^2-like penalties of e^1000)."""


def bracket_root(g, lo, hi, scale):
    """A root of the increasing g in [lo, hi] (g(lo) <= 0 <= g(hi)) to within 1e-40 * scale, by
    regula falsi with the Illinois modification (a step outside the bracket bisects)."""
    tol = mp.mpf(10) ** -40 * scale
    while hi - lo > 1:  # bisect to unit width first: f' may be nearly flat over the bracket
        mid = (lo + hi) / 2
        if g(mid) < 0:
            lo = mid
        else:
            hi = mid
    glo, ghi = g(lo), g(hi)
    side = 0
    while hi - lo > tol:
        x = (lo * ghi - hi * glo) / (ghi - glo) if ghi != glo else (lo + hi) / 2
        if not lo < x < hi:
            x = (lo + hi) / 2
        gx = g(x)
        if gx == 0:
            return x
        if gx < 0:
            lo, glo = x, gx
            if side == -1:
                ghi /= 2
            side = -1
        else:
            hi, ghi = x, gx
            if side == 1:
                glo /= 2
            side = 1
    return (lo + hi) / 2


def solve(div, inst):
    refs = [[mp.mpf(v) if v != float('-inf') else None for v in r] for r in inst['references']]
    w = [mp.mpf(x) for x in inst['weights']]
    r = [mp.mpf(x) for x in inst['reward']]
    beta = mp.mpf(inst['beta'])
    n = len(r)

    inverse = [[None if ref[y] is None else mp.e ** -ref[y] for ref in refs] for y in range(n)]

    def h(y, u):  # sum_i alpha_i f'(e^u / pi_i(y)), in mpmath
        s = mp.mpf(0)
        eu = mp.e ** u
        for i in range(len(refs)):
            if w[i] == 0:
                continue
            q = inverse[y][i]
            s += w[i] * (div.fpinf if q is None else div.fp(eu * q))
        return s

    def h_limit(y, end):
        s = mp.mpf(0)
        for i, ref in enumerate(refs):
            if w[i] > 0:
                s += w[i] * (div.fpinf if (ref[y] is None or end == 'inf') else div.fp0)
        return s

    weighted = [i for i in range(len(refs)) if w[i] > 0]
    feasible = [all(refs[i][y] is not None for i in weighted)
                or (div.fpinf < mp.inf and any(refs[i][y] is not None for i in weighted))
                for y in range(n)]
    # no weighted reference has mass at a degenerate response: its marginal value is constant
    degenerate = [all(refs[i][y] is None for i in weighted) and div.fpinf < mp.inf
                  for y in range(n)]

    def log_p(y, lam):
        if not feasible[y] or degenerate[y]:
            return None
        v = (r[y] - lam) / beta
        if v <= h_limit(y, 'zero'):
            return None
        if v >= h_limit(y, 'inf'):
            return mp.inf
        lo, hi = mp.mpf(-1), mp.mpf(1)
        while h(y, lo) > v:
            lo *= 2
        while h(y, hi) < v:
            hi *= 2
        return bracket_root(lambda u: h(y, u) - v, lo, hi, 1 + abs(lo) + abs(hi))

    def mass(lam):
        total = mp.mpf(0)
        for y in range(n):
            lp = log_p(y, lam)
            if lp == mp.inf:
                return mp.inf
            if lp is not None:
                total += mp.e ** lp
        return total

    # over regular responses only: a degenerate one is settled after the root
    sat = max((r[y] - beta * h_limit(y, 'inf')) for y in range(n) if feasible[y])
    if sat > -mp.inf:  # f'(inf) finite: lambda just above saturation, found geometrically
        lo = sat + mp.mpf(10) ** -(mp.mp.dps - 30)
        assert mass(lo) > 1, 'too few digits to reach below the optimal lambda'
        hi = sat + 1
        while mass(hi) > 1:
            hi = sat + 2 * (hi - sat)
            if hi > 1e300:
                raise OutOfRange('lambda above 1e300: the objective is not a double')
        for _ in range(200):  # geometric bisection of lambda - sat, then arithmetic
            if (hi - sat) / (lo - sat) < 2:
                break
            mid = sat + mp.sqrt((lo - sat) * (hi - sat))
            if mass(mid) > 1:
                lo = mid
            else:
                hi = mid
    else:
        lo, hi = mp.mpf(-1), mp.mpf(1)
        while mass(lo) < 1:
            lo = 2 * lo - 1
            if lo < -1e300:
                raise OutOfRange('lambda below -1e300: the objective is not a double')
        while mass(hi) > 1:
            hi = 2 * hi + 1
    lam = bracket_root(lambda x: 1 - mass(x), lo, hi, hi - lo)
    lps = [log_p(y, lam) for y in range(n)]
    marginal = [r[y] - beta * h_limit(y, 'inf') for y in range(n) if degenerate[y]]
    if marginal and max(marginal) > lam:  # the best degenerate responses take what is left
        lam = max(marginal)
        lps = [log_p(y, lam) for y in range(n)]
        best = [y for y in range(n) if degenerate[y] and r[y] - beta * h_limit(y, 'inf') == lam]
        rest = 1 - mp.fsum(mp.e ** lp for lp in lps if lp is not None)
        for y in best:
            lps[y] = mp.log(rest / len(best))
    total = mp.fsum(mp.e ** lp for lp in lps if lp is not None)
    lps = [None if lp is None else lp - mp.log(total) for lp in lps]
    # the objective from f, term by term
    value = mp.fsum(mp.e ** lp * r[y] for y, lp in enumerate(lps) if lp is not None)
    for i, ref in enumerate(refs):
        if w[i] == 0:
            continue
        d = mp.mpf(0)
        for y in range(n):
            p = None if lps[y] is None else mp.e ** lps[y]
            if ref[y] is None:
                d += 0 if p is None else p * div.fpinf
            elif p is None:
                d += mp.e ** ref[y] * div.f0
            else:
                q = mp.e ** ref[y]
                d += q * div.f(p / q)
        value -= beta * w[i] * d
    return lam, lps, value


def fmt(x):
    """The nearest double (shortest repr), or inf / -inf beyond the double range."""
    if abs(x) > mp.mpf('1.7976931348623157e308'):
        return 'inf' if x > 0 else '-inf'
    return repr(float(x))


def derivatives(names, out):
    """f'(e^x) (fprime) and log(f'(inf) - f'(e^x)) (loggap) for log t = x from -700 to 700;
    log (f')^-1(x) (inverse) over the range of f', also at x = f'(inf) - 10^-k and
    f'(0+) + 10^-k as doubles; and the log t with log(f'(inf) - f'(t)) = x (gapinverse) for gaps
    down to 10^-300, beyond what a double u next to f'(inf) can say. 800 digits, so that the gaps
    below f'(inf) keep digits of their own."""
    mp.mp.dps = 800
    divs = divergences()
    grid = [-700.0, -300.0, -100.0, -30.0, -5.0, -1.0, -1e-3, 0.0, 1e-3, 1.0, 5.0, 30.0, 100.0,
            300.0, 700.0]
    rows = []
    for name in names:
        div = divs[name]
        for x in grid:
            v = div.fp(mp.e ** mp.mpf(x))
            rows.append(f'{name},fprime,{x!r},{fmt(v)}')
            if div.fpinf < mp.inf:
                rows.append(f'{name},loggap,{x!r},{fmt(mp.log(div.fpinf - v))}')
            u = float(v)  # the double nearest f'(e^x), inverted from that exact double
            if div.fp0 < mp.mpf(u) < div.fpinf:
                rows.append(f'{name},inverse,{u!r},{fmt(mp.log(div.inverse(mp.mpf(u))))}')
        for k in range(1, 16):
            for end, sign in ((div.fpinf, -1), (div.fp0, 1)):
                if abs(end) < mp.inf:
                    u = float(end + sign * mp.mpf(10) ** -k)
                    if div.fp0 < mp.mpf(u) < div.fpinf:
                        rows.append(f'{name},inverse,{u!r},'
                                    f'{fmt(mp.log(div.inverse(mp.mpf(u))))}')
        if div.fpinf < mp.inf:
            for k in (1, 2, 4, 8, 16, 32, 64, 128, 300):
                t = div.inverse(div.fpinf - mp.mpf(10) ** -k)
                rows.append(f'{name},gapinverse,{fmt(-k * mp.log(10))},{fmt(mp.log(t))}')
    with open(out, 'w') as fh:
        fh.write("# f'(e^x), log(f'(inf) - f'(e^x)), log (f')^-1(x) and the log t with\n"
                 "# log(f'(inf) - f'(t)) = x, from the plain formulas in mpmath at 800 digits;\n"
                 '# written by testkit/src/test/resources/general-f/'
                 'generate.py derivatives\n'
                 'divergence,kind,x,value\n')
        fh.write('\n'.join(rows) + '\n')


DERIVATIVES = BUILT_IN + ['alpha:a=0.0', 'alpha:a=1.0E-6', 'alpha:a=0.999999']


def main():
    if len(sys.argv) > 1 and sys.argv[1] == 'derivatives':
        names = DERIVATIVES if len(sys.argv) < 3 else [sys.argv[2]]
        derivatives(names, sys.argv[3] if len(sys.argv) > 3 else HERE + '/derivatives.csv')
        return
    names = BUILT_IN if len(sys.argv) < 2 else sys.argv[1].split(',')
    out = sys.argv[2] if len(sys.argv) > 2 else HERE + '/optima.txt'
    divs = divergences()
    cases = []
    for name in names:
        rng = random.Random('20261201:' + name)  # each divergence its own stream
        while sum(1 for c in cases if c.startswith(name + ';')) < 12:
            inst = instance(rng)
            span = max(-v for ref in inst['references'] for v in ref if v != float('-inf'))
            mp.mp.dps = int(60 + 1.3 * divs[name].steepness * span / 2.302585)
            try:
                lam, lps, value = solve(divergences()[name], inst)
            except OutOfRange as e:
                print(name, 'skipped:', e, file=sys.stderr)
                continue
            if len(cases) % 4 == 0:  # the digits suffice: 40 more change nothing that matters
                mp.mp.dps += 40
                lam2, lps2, value2 = solve(divergences()[name], inst)
                assert abs(value2 - value) < mp.mpf(10) ** -25 * (1 + abs(value)), (name, inst)
                for a, b in zip(lps, lps2):
                    assert (a is None) == (b is None) and (a is None or abs(a - b) < 1e-25)
            cases.append(';'.join([
                name, repr(inst['beta']), nums(inst['weights']), nums(inst['reward']),
                ' | '.join(nums(ref) for ref in inst['references']),
                ' '.join('-inf' if lp is None else mp.nstr(lp, 25) for lp in lps),
                mp.nstr(value, 25), mp.nstr(lam, 25), '%.1f' % span]))
            print(name, 'n', len(inst['reward']), 'K', len(inst['weights']), 'span %.0f' % span,
                  'J', mp.nstr(value, 12), file=sys.stderr)
    with open(out, 'w') as fh:
        fh.write('# Written by testkit/src/test/resources/general-f/generate.py: mpmath KKT solutions'
                 ' in plain lambda\n# at 60 + span * steepness / ln 10 digits (every fourth case'
                 ' re-solved with 40 more digits);\n# the objective evaluated from f itself.\n')
        fh.write('# divergence;beta;weights;reward;references (K rows, |-separated);'
                 'log policy;objective;lambda;span in nats\n')
        fh.write('\n'.join(cases) + '\n')


def nums(values):
    return ' '.join('-inf' if v == float('-inf') else repr(float(v)) for v in values)


if __name__ == '__main__':
    main()
