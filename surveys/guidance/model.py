"""A small trained model that backs up the leading, double-barrelled and personal-data rules.

For each of those rules, a logistic regression over word (one and two words) and character
(3 to 5 letters within words) n-grams, TF-IDF weighted with sublinear term frequency, plus
the shape features of shapes.py (each 1 when present, outside the TF-IDF normalisation), trained
on the training part of the labelled corpus by tools/train_guidance_model.py and shipped as
model.json: the vocabulary, IDF weights, shape names, coefficients and the threshold chosen by
cross-validation. Scoring here is plain Python (no scikit-learn at run time), so the same text
always gets the same score. The words and shapes that pushed a question over the threshold are
its explanation.
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .shapes import NOTES, evaluative_words, shape_features

MODEL_FILE = Path(__file__).with_name("model.json")
#: the rules the model scores.
MODEL_RULES = ("leading", "double_barrelled", "personal_data")
_TOKEN = re.compile(r"[a-z0-9&']+")
# Words too common to explain anything: an explanation quotes only pairs or words beyond them.
_FUNCTION_WORDS = frozenset(
    """a an and or the to of in on at for with by from as is are was were be been do does did
    you your we our it its this that there they he she i me my how what which who when where
    why would will should could can has have had not any about if so than then""".split()  # noqa: SIM905
)


def features(text: str) -> list[str]:
    """The n-grams of `text`: "w:" words and word pairs, "c:" letter groups within words."""
    tokens = _TOKEN.findall(text.lower().replace("’", "'"))
    grams = [f"w:{t}" for t in tokens]
    grams += [f"w:{a} {b}" for a, b in zip(tokens, tokens[1:], strict=False)]
    for token in tokens:
        padded = f" {token} "
        for size in (3, 4, 5):
            grams += [f"c:{padded[i : i + size]}" for i in range(len(padded) - size + 1)]
    return grams


@dataclass(frozen=True)
class RuleModel:
    """One rule's weights: vocabulary index, IDF, coefficients, intercept and threshold.

    The coefficients cover the vocabulary, then the shapes in `shapes` order."""

    index: dict[str, int]
    idf: list[float]
    coef: list[float]
    intercept: float
    threshold: float
    shapes: tuple[str, ...] = ()

    def _vector(self, text: str) -> dict[int, float]:
        counts = Counter(g for g in features(text) if g in self.index)
        weights = {
            self.index[g]: (1 + math.log(n)) * self.idf[self.index[g]] for g, n in counts.items()
        }
        norm = math.sqrt(sum(w * w for w in weights.values())) or 1.0
        vector = {i: w / norm for i, w in weights.items()}
        present = set(shape_features(text))
        start = len(self.idf)
        vector.update({start + i: 1.0 for i, name in enumerate(self.shapes) if name in present})
        return vector

    def probability(self, text: str) -> float:
        """How likely the rule applies, from 0 to 1."""
        score = self.intercept + sum(self.coef[i] * w for i, w in self._vector(text).items())
        return 1 / (1 + math.exp(-score))

    def telling_words(self, text: str, limit: int = 3) -> list[str]:
        """The words (not letter groups) that pushed the score up most, strongest first."""
        names = {i: g for g, i in self.index.items()}
        pushes = [
            (self.coef[i] * w, names[i][2:])
            for i, w in self._vector(text).items()
            if names.get(i, "").startswith("w:")
            and self.coef[i] > 0
            and not set(names[i][2:].split()) <= _FUNCTION_WORDS
        ]
        return [word for _, word in sorted(pushes, reverse=True)[:limit]]

    def telling_shapes(self, text: str, limit: int = 2) -> list[str]:
        """Plain-English notes on the shapes that pushed the score up most, strongest first."""
        present = set(shape_features(text))
        start = len(self.idf)
        pushes = [
            (self.coef[start + i], name)
            for i, name in enumerate(self.shapes)
            if name in present and self.coef[start + i] > 0
        ]
        notes = []
        for _, name in sorted(pushes, reverse=True)[:limit]:
            note = NOTES[name]
            if name == "h:evaluative":
                note += " (" + ", ".join(f"'{w}'" for w in evaluative_words(text)) + ")"
            notes.append(note)
        return notes


@lru_cache(maxsize=2)
def load_models(path: str = str(MODEL_FILE)) -> dict[str, RuleModel]:
    """The shipped model per rule (read once)."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    index = {gram: i for i, gram in enumerate(data["vocabulary"])}
    shapes = tuple(data.get("shapes", ()))
    return {
        rule: RuleModel(
            index, data["idf"], part["coef"], part["intercept"], part["threshold"], shapes
        )
        for rule, part in data["rules"].items()
    }


@dataclass(frozen=True)
class ModelFlag:
    """Why the model flagged a question: the words and the shapes that weigh most."""

    words: list[str]
    shapes: list[str]


def model_flags(text: str, rules: tuple[str, ...] = MODEL_RULES) -> dict[str, ModelFlag]:
    """For each of `rules` the model says applies to `text`, the words and shapes behind it."""
    flagged = {}
    for rule, model in load_models().items():
        if rule in rules and model.probability(text) >= model.threshold:
            flagged[rule] = ModelFlag(model.telling_words(text), model.telling_shapes(text))
    return flagged
