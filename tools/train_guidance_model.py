"""Train the guidance checker's model on the corpus's training part and write model.json.

Usage: .venv/bin/python tools/train_guidance_model.py [--check]
Deterministic: the same corpus gives the same file byte for byte (liblinear with a fixed
random_state, sorted vocabulary, rounded weights). --check exits 1 if model.json is not what
the corpus trains, so a test or CI can prove the shipped file is current.
The model backs up the rules, so for each rule the threshold is the lowest (from 0.5, in steps
of 0.05) at which, cross-validated on the training part only, it adds at most MAX_ADDED_ALARMS
false alarms to the plain questions the rules leave alone, plus SAFETY_MARGIN.
Leading questions get a small budget (1%) and a smaller margin: the leading rules are lists
of shapes and miss new ones, and the model carries over better. Checked on the training part
alone, in the order it was written (model trained on the earlier batches, rules as they were
then, scored on a later batch): at 0.85 the model caught 10 more of 52 leading questions the
rules missed with no added false alarm on 87 plain ones, and 5 more of 23 (none added on 28)
in the next batch. At 0.8 it flagged a plain question about S106 money.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold, cross_val_predict

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from surveys.guidance.corpus import PLAIN, load  # noqa: E402
from surveys.guidance.model import MODEL_FILE, MODEL_RULES, features  # noqa: E402
from surveys.guidance.wording import check_wording, model_rules_for  # noqa: E402

SEED = 0
MAX_ADDED_ALARMS = {"leading": 0.01, "double_barrelled": 0.0}
# Cross-validation on a few hundred questions is optimistic (0 alarms in 139 plain questions
# still allows a few per cent on new ones), so the threshold sits this far above it.
SAFETY_MARGIN = {"leading": 0.10, "double_barrelled": 0.15}
THRESHOLDS = [round(0.5 + 0.05 * step, 2) for step in range(10)]
DIGITS = 5


def _classifier() -> LogisticRegression:
    return LogisticRegression(
        C=10.0, class_weight="balanced", solver="liblinear", random_state=SEED, max_iter=1000
    )


def _threshold(rule: str, probabilities: np.ndarray, left_alone: np.ndarray) -> float:
    """The lowest threshold adding at most MAX_ADDED_ALARMS on plain questions left alone."""
    for threshold in THRESHOLDS:
        if np.mean(probabilities[left_alone] >= threshold) <= MAX_ADDED_ALARMS[rule]:
            return round(min(threshold + SAFETY_MARGIN[rule], 0.95), 2)
    return THRESHOLDS[-1]


def train() -> dict:
    """The model as the JSON document model.py reads."""
    examples = load("train")
    texts = [e.text for e in examples]
    vectorizer = TfidfVectorizer(analyzer=features, sublinear_tf=True, min_df=2, dtype=np.float64)
    matrix = vectorizer.fit_transform(texts)
    vocabulary = sorted(vectorizer.vocabulary_, key=vectorizer.vocabulary_.get)
    plain = np.array([e.label == PLAIN for e in examples])
    found = [{f.rule for f in check_wording(text, use_model=False)} for text in texts]
    folds = StratifiedKFold(n_splits=5, shuffle=True, random_state=SEED)
    rules = {}
    for rule in MODEL_RULES:
        labels = np.array([e.label == rule for e in examples])
        probabilities = cross_val_predict(
            _classifier(), matrix, labels, cv=folds, method="predict_proba"
        )[:, 1]
        probabilities *= np.array([rule in model_rules_for(text) for text in texts])
        model = _classifier().fit(matrix, labels)
        rules[rule] = {
            "coef": [round(float(c), DIGITS) for c in model.coef_[0]],
            "intercept": round(float(model.intercept_[0]), DIGITS),
            "threshold": _threshold(
                rule, probabilities, plain & ~np.array([rule in f for f in found])
            ),
        }
    return {
        "trained_on": f"{len(examples)} questions of tests/surveys/guidance_corpus/train.csv",
        "vocabulary": vocabulary,
        "idf": [round(float(v), DIGITS) for v in vectorizer.idf_],
        "rules": rules,
    }


def main() -> int:
    """Write model.json, or with --check compare it with a fresh training."""
    text = json.dumps(train(), separators=(",", ":"), sort_keys=True) + "\n"
    if "--check" in sys.argv:
        current = MODEL_FILE.read_text(encoding="utf-8") if MODEL_FILE.exists() else ""
        if current != text:
            print("model.json is not what the corpus trains: run tools/train_guidance_model.py")
            return 1
        print("model.json is current")
        return 0
    MODEL_FILE.write_text(text, encoding="utf-8")
    print(f"wrote {MODEL_FILE} ({len(text) // 1024} KB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
