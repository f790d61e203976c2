"""alt-profanity-check's model, evaluated in pure Python.

The package ships a TF-IDF vectorizer and a linear SVM calibrated with Platt scaling (five folds,
averaged) inside its wheel. Calling it through scikit-learn costs about 4 ms per message — four
times the budget of one message — because most of that is sparse-matrix and calibration
machinery around a dot product of a dozen numbers. So the weights are read once, when first
needed, and the same arithmetic is done here:

    x  = tf-idf of the message's words (scikit-learn's tokenizer, English stop words dropped),
         L2-normalised
    d_k = w_k · x + b_k                       for each of the five folds
    p   = mean_k 1 / (1 + exp(A_k d_k + B_k))

`tests/unit/test_conduct.py` checks the result equals `profanity_check.predict_prob` to 1e-9.
Nothing is downloaded: the files are the wheel's own. Without the package installed, `load()`
returns None and the classifier runs on its rules alone.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass
from functools import cache

_TOKEN = re.compile(r"(?u)\b\w\w+\b")  # scikit-learn's default token_pattern


@dataclass(frozen=True, slots=True)
class Score:
    probability: float
    #: each known word of the message with its share of the decision value, largest first
    contributions: tuple[tuple[str, float], ...]


class ProfanityModel:
    def __init__(
        self,
        weights: dict[str, tuple[float, ...]],
        idf: dict[str, float],
        intercepts: tuple[float, ...],
        calibration: tuple[tuple[float, float], ...],
    ) -> None:
        self._weights = weights
        self._idf = idf
        self._intercepts = intercepts
        self._calibration = calibration

    def score(self, text: str) -> Score:
        counts = Counter(t for t in _TOKEN.findall(text.lower()) if t in self._idf)
        if not counts:
            return Score(self._probability([0.0] * len(self._intercepts)), ())
        x = {t: c * self._idf[t] for t, c in counts.items()}
        norm = math.sqrt(sum(v * v for v in x.values()))
        folds = len(self._intercepts)
        dots = [0.0] * folds
        shares: list[tuple[str, float]] = []
        for t, v in x.items():
            w = self._weights[t]
            v /= norm
            for k in range(folds):
                dots[k] += v * w[k]
            shares.append((t, v * sum(w) / folds))
        shares.sort(key=lambda s: -s[1])
        return Score(self._probability(dots), tuple(shares))

    def _probability(self, dots: list[float]) -> float:
        total = 0.0
        for (a, b), d, c in zip(self._calibration, dots, self._intercepts, strict=True):
            z = a * (d + c) + b
            total += 1.0 / (1.0 + math.exp(z)) if z < 700 else 0.0
        return total / len(dots)


@cache
def load() -> ProfanityModel | None:
    """The model from the installed `alt-profanity-check` wheel, or None if it isn't installed or
    its files aren't the shape this port knows (then the rules work alone)."""
    try:
        from importlib import resources

        import joblib

        data = resources.files("profanity_check") / "data"
        vectorizer = joblib.load(data / "vectorizer.joblib")
        model = joblib.load(data / "model.joblib")
    except Exception:  # not installed, or unreadable: rules only
        return None
    params = vectorizer.get_params()
    expected = {
        "lowercase": True,
        "ngram_range": (1, 1),
        "norm": "l2",
        "sublinear_tf": False,
        "use_idf": True,
        "analyzer": "word",
        "token_pattern": _TOKEN.pattern,
    }
    if any(params.get(k) != v for k, v in expected.items()) or model.method != "sigmoid":
        return None
    vocabulary: dict[str, int] = vectorizer.vocabulary_
    folds = model.calibrated_classifiers_
    coefs = [c.estimator.coef_[0] for c in folds]
    weights = {t: tuple(float(coef[i]) for coef in coefs) for t, i in vocabulary.items()}
    idf = {t: float(vectorizer.idf_[i]) for t, i in vocabulary.items()}
    intercepts = tuple(float(c.estimator.intercept_[0]) for c in folds)
    calibration = tuple((float(c.calibrators[0].a_), float(c.calibrators[0].b_)) for c in folds)
    return ProfanityModel(weights, idf, intercepts, calibration)
