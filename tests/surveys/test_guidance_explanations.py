"""The improved guidance checker's mechanism: every rule says why and how to fix, the corpus is
split as documented, and the shipped model is what its training script makes, every time.

How well the checker does on unseen questions is the benchmark's business
(bench/bench_checker.py on the held-aside quarter), not these tests'."""

from __future__ import annotations

import json
import sys
from collections import Counter

import pytest

from surveys.guidance import check_text_lines
from surveys.guidance.corpus import (
    LABELS,
    PLAIN,
    Example,
    load,
    normalise,
    split_for,
)
from surveys.guidance.explain import model_finding
from surveys.guidance.model import MODEL_FILE, load_models, model_flags
from surveys.guidance.shapes import NOTES, evaluative_words, shape_features
from surveys.guidance.spec import QUESTION_TYPES
from surveys.guidance.unusual_words import find_unusual_words
from surveys.guidance.wording import check_wording
from surveys.services.guidance_corpus import add_examples, write_examples

# One question per shape each rule knows, with the words its explanation must quote.
SHAPES = [
    (
        "leading",
        "Given that the waiting list is far too long, should we close the clinic?",
        "claim",
    ),
    ("leading", "Do you support our plans to improve the stroke unit?", "support our plans"),
    ("leading", "Should the council stop wasting money on new signs?", "stop wasting"),
    ("leading", "The bus service is failing everyone. Do you think it should change?", "opinion"),
    ("leading", "Don't you think the new car park is better?", "Don't you"),
    ("leading", "Most parents now book online. Will you do the same?", "Most parents"),
    ("leading", "Is it fair that some wards have fewer nurses?", "Is it fair that"),
    ("double_barrelled", "Should the library open earlier and close later?", "open earlier"),
    ("double_barrelled", "Did the nurse examine you and did she tell you why?", "did she"),
    ("double_barrelled", "How would you rate the porters and the cleaners?", "the cleaners"),
    ("double_barrelled", "Was the pharmacist kind and helpful?", "helpful"),
    ("jargon", "Were you seen by the CRT last week?", "'CRT'"),
    ("jargon", "Has your GP used eConsult to message you?", "'eConsult'"),
    ("jargon", "Were you offered domiciliary support at home?", "domiciliary"),
    ("jargon", "Did the MDT explain your plan?", "'MDT'"),
    ("personal_data", "Please give your home address.", "home address"),
    ("personal_data", "Which company do you work for?", "where they work"),
    ("jargon", "Should S106 money pay for a new surgery?", "'S106'"),
    ("too_long", " ".join(["Thinking about the time you spent waiting"] * 6) + "?", "sentence"),
]


@pytest.mark.parametrize(("rule", "text", "quoted"), SHAPES, ids=[s[1][:40] for s in SHAPES])
def test_every_rule_says_why_with_the_words_and_how_to_fix(rule, text, quoted):
    findings = [f for f in check_text_lines(text) if f.rule == rule]
    assert findings, f"{rule} not found in {text!r}"
    finding = findings[0]
    assert finding.why and finding.fix
    assert quoted.lower() in finding.why.lower()
    assert finding.message == f"{finding.why} {finding.fix}"


def test_everyday_words_names_and_known_abbreviations_are_not_jargon():
    text = "Did your GP in Morecambe send you to A&E or the NHS App after your MRI at PR1?"
    assert find_unusual_words(text) == []
    # Place names look rare but are names, also as an answer option's first word.
    assert find_unusual_words("Ormskirk and Skelmersdale") == []


def test_asking_how_clearly_something_was_explained_is_not_leading():
    assert check_text_lines("How clearly did the physio explain your exercises?") == []
    assert {f.rule for f in check_text_lines("The plan is clearly right. Do you agree?")} == {
        "leading"
    }


def test_the_model_explains_itself_in_words_not_letter_groups():
    finding = model_finding("leading", ["stop wasting", "support"], "q1", None)
    assert "'stop wasting'" in finding.why and finding.fix and finding.severity == "advice"
    models = load_models()
    text = "Do you back our plans to transform the council's parks?"
    for model in models.values():
        assert all(" c:" not in w and not w.startswith("c:") for w in model.telling_words(text))


@pytest.mark.no_database  # four minutes of training: once per suite is enough
def test_the_shipped_model_is_what_the_training_script_makes_and_check_says_so(
    tmp_path, monkeypatch, capsys
):
    from tools import train_guidance_model as training  # noqa: PLC0415 (trains with sklearn)

    # model.json was written by an earlier run: the same file again proves training deterministic.
    trained = training.train()
    assert trained == json.loads(MODEL_FILE.read_text(encoding="utf-8"))
    monkeypatch.setattr(training, "train", lambda: trained)
    monkeypatch.setattr(sys, "argv", ["train_guidance_model.py", "--check"])
    assert training.main() == 0
    stale = tmp_path / "model.json"
    stale.write_text(json.dumps({**trained, "trained_on": "an older corpus"}))
    monkeypatch.setattr(training, "MODEL_FILE", stale)
    assert training.main() == 1
    assert "is not what the corpus trains" in capsys.readouterr().out


def test_shapes_describe_what_a_question_does_not_its_phrases():
    assert "h:premise" in shape_features("Given how full the car parks are, should we charge?")
    assert shape_features("How would you rate the car park?") == []
    assert evaluative_words("Do you back our bold, much-needed plan?") == ["bold", "much-needed"]
    assert "h:asks_identifier" in shape_features("What is your library card number?")
    assert "h:asks_which_one" not in shape_features("Which GP practice services do you use?")


def test_a_model_finding_says_which_words_and_shapes_drove_it():
    text = "What is your pharmacy account reference?"
    flag = model_flags(text)["personal_data"]
    assert flag.words and all(not w.startswith(("c:", "h:")) for w in flag.words)
    assert flag.shapes == [NOTES["h:asks_identifier"]]
    finding = model_finding("personal_data", flag.words, "q1", None, shapes=flag.shapes)
    assert f"'{flag.words[0]}'" in finding.why and "identifies the person" in finding.why
    assert "Information Governance" in finding.fix and finding.severity == "advice"
    # An IG justification answers personal data whether a rule or the model found it.
    assert check_wording(text, ig_justification="Needed to match accounts (IG ref 12)") == []


def test_the_model_scores_the_same_text_the_same_way_every_time():
    load_models.cache_clear()
    first = {
        rule: m.probability("Should we scrap the old clinic?") for rule, m in load_models().items()
    }
    load_models.cache_clear()
    again = {
        rule: m.probability("Should we scrap the old clinic?") for rule, m in load_models().items()
    }
    assert first == again and all(0 <= p <= 1 for p in first.values())


def test_corpus_has_400_questions_a_quarter_held_aside_by_the_hash_of_the_text():
    train, test = load("train"), load("test")
    assert len(train) + len(test) >= 400
    assert 0.2 <= len(test) / (len(train) + len(test)) <= 0.3
    assert all(split_for(e.text) == "train" for e in train)
    assert all(split_for(e.text) == "test" for e in test)
    texts = [normalise(e.text) for e in train + test]
    assert len(texts) == len(set(texts))
    labels = Counter(e.label for e in train + test)
    assert set(labels) == set(LABELS) and all(n >= 40 for n in labels.values())
    assert {e.type for e in train + test if e.label == PLAIN} == set(QUESTION_TYPES)


def test_adding_examples_puts_each_in_its_part_and_skips_ones_already_there(tmp_path):
    write_examples(tmp_path / "train.csv", [])
    write_examples(tmp_path / "test.csv", [])
    new = [
        Example(PLAIN, "short_text", f"Which café in town number {i} do you like?")
        for i in range(12)
    ]
    assert add_examples([*new, new[0], Example("nonsense", "number", "x")], tmp_path) == 12
    assert add_examples(new, tmp_path) == 0
    for part in ("train", "test"):
        assert all(split_for(e.text) == part for e in load(part, tmp_path))
    assert len(load("train", tmp_path)) + len(load("test", tmp_path)) == 12
