"""A labelled sample of members for the duplicate detector: synthetic but shaped like a panel.

Each record carries the id of the person behind it; two records of one person are a true
duplicate. The people who sign up twice do it the ways people do (a short form of their name,
a typo, a new email provider, a married name, a move), and the hard cases that are NOT
duplicates are there too: twins and other family members at one address, a father and son of
the same name, households sharing one email name with +tags, and common names in one district.
The benchmark (bench/bench_health.py) builds its 100,000 members from the same generator.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from itertools import combinations

from panel.members.matching import NICKNAMES, MatchRecord

FIRST_NAMES = [
    "Robert", "William", "Elizabeth", "Catherine", "Michael", "David", "Stephen", "Susan",
    "Margaret", "James", "Thomas", "Christopher", "Patricia", "Jennifer", "Anthony", "Peter",
    "Sarah", "Emma", "Olivia", "Amelia", "Jack", "Oliver", "Harry", "George", "Noah", "Isla",
    "Sophie", "Grace", "Mohammed", "Aisha", "Fatima", "Zainab", "Imran", "Priya", "Arjun",
    "Siobhan", "Niamh", "Rhys", "Gareth", "Bronwen", "Ewa", "Piotr", "Agnieszka", "Kwame",
    "Abena", "Chloe", "Daniel", "Samuel", "Hannah", "Rebecca", "Joanne", "Karen", "Paul",
    "Mark", "Gary", "Lee", "Dean", "Tracy", "Julie", "Andrew", "Joseph", "Edward", "Frederick",
    "Alice", "Lily", "Freya", "Ava", "Evie", "Poppy", "Ella", "Mia", "Ruby", "Florence", "Leo",
    "Arthur", "Oscar", "Charlie", "Alfie", "Theo", "Henry", "Archie", "Finley", "Ethan", "Lucas",
    "Yusuf", "Ibrahim", "Ayesha", "Maryam", "Hamza", "Bilal", "Sana", "Nadia", "Ravi", "Anil",
    "Deepa", "Sunita", "Kofi", "Ama", "Tomasz", "Marta", "Katarzyna", "Ciaran", "Aoife", "Sean",
    "Brian", "Colin", "Graham", "Keith", "Neil", "Alan", "Barry", "Derek", "Gordon", "Ian",
    "Linda", "Carol", "Sandra", "Janet", "Pauline", "Brenda", "Maureen", "Doreen", "Irene",
    "Wendy", "Gillian", "Lorraine", "Dawn", "Kerry", "Nicola", "Claire", "Lisa", "Amanda",
]  # fmt: skip
SURNAMES = [
    "Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Johnson", "Davies", "Patel",
    "Robinson", "Wright", "Thompson", "Evans", "Walker", "White", "Roberts", "Green", "Hall",
    "Wood", "Jackson", "Clarke", "Khan", "Hussain", "Ahmed", "Begum", "Ali", "Singh", "Kaur",
    "Nowak", "Kowalski", "Mensah", "Osei", "O'Brien", "Murphy", "Kelly", "Hughes", "Edwards",
    "Lewis", "Harris", "Martin", "Cooper", "Ward", "Morris", "Moore", "King", "Baker", "Turner",
    "Parker", "Collins", "Bennett", "Shaw", "Cook", "Barnes", "Holmes", "Fletcher", "Ashworth",
    "Haworth", "Entwistle", "Whittaker", "Pickup", "Sutcliffe", "Greenwood", "Ormerod", "Duckworth",
    "Fernández-López", "Nguyen", "Chowdhury", "Mahmood", "Iqbal", "Rahman", "Bibi", "Akhtar",
    "Hargreaves", "Pilkington", "Ramsbottom", "Heywood", "Crompton", "Haslam", "Lomax",
    "Tattersall", "Whiteside", "Cartmell", "Rawcliffe", "Singleton", "Sharples", "Bamber",
    "Cardwell",
    "Threlfall",
    "Eccleston", "Catterall", "Swarbrick", "Hesketh", "Banks", "Dewhurst", "Aspinall", "Kenyon",
    "Ainsworth", "Marsden", "Nuttall", "Riley", "Barker", "Schofield", "Hartley", "Pickles",
    "Sowerbutts", "Cowell", "Gornall", "Procter", "Latham", "Forshaw", "Wilding", "Yates", "Lund",
    "Qureshi", "Malik", "Sheikh", "Mistry", "Desai", "Parmar", "Chauhan", "Mirza", "Butt", "Shah",
    "Zielinski", "Wisniewski", "Lewandowski", "Boateng", "Asante", "Owusu", "Okafor", "Adeyemi",
    "McDonald", "MacLeod", "Campbell", "Stewart", "Reid", "Doyle", "Byrne", "Quinn", "Gallagher",
]  # fmt: skip
DISTRICTS = (
    [f"FY{n}" for n in range(1, 9)]
    + [f"BB{n}" for n in range(1, 13)]
    + [f"PR{n}" for n in range(1, 10)]
    + [f"LA{n}" for n in range(1, 7)]
    + [f"BL{n}" for n in range(0, 10)]
)
PROVIDERS = ["gmail.com", "outlook.com", "yahoo.co.uk", "hotmail.co.uk", "btinternet.com"]
AGE_BANDS = ["16-24", "25-34", "35-44", "45-54", "55-64", "65-74", "75+"]
SHORT_FORMS: dict[str, list[str]] = {}
for _short, _full in NICKNAMES.items():
    SHORT_FORMS.setdefault(_full, []).append(_short)


@dataclass
class LabelledRecord:
    """One member row and the person behind it."""

    record: MatchRecord
    person: int
    #: how this row came about ("original", "nickname", "twin", ...), for reading failures.
    kind: str


def _postcode(rng: random.Random, district: str | None = None) -> str:
    district = district or rng.choice(DISTRICTS)
    letters = "ABDEFGHJLNPQRSTUWXYZ"
    return f"{district} {rng.randint(1, 9)}{rng.choice(letters)}{rng.choice(letters)}"


def _typo(rng: random.Random, text: str) -> str:
    if len(text) < 4:
        return text
    i = rng.randrange(1, len(text) - 1)
    return rng.choice(
        [
            text[:i] + text[i + 1 :],
            text[:i] + text[i + 1] + text[i] + text[i + 2 :],
            text + text[-1],
        ]
    )


def _email(rng: random.Random, first: str, last: str, n: int) -> str:
    local = rng.choice([f"{first}.{last}", f"{first[0]}{last}", f"{first}{n % 97}", f"{last}{n}"])
    return f"{local.lower().replace(' ', '').replace(chr(39), '')}@{rng.choice(PROVIDERS)}"


class SampleBuilder:
    """Makes labelled records; ``next_id`` numbers the member rows."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.records: list[LabelledRecord] = []
        self.next_person = 0

    def _add(self, person, kind, first, last, email, postcode, age) -> LabelledRecord:
        record = MatchRecord(len(self.records) + 1, first, last, email, postcode, age)
        labelled = LabelledRecord(record, person, kind)
        self.records.append(labelled)
        return labelled

    def person(self, **fixed) -> LabelledRecord:
        """A new person's first sign-up."""
        rng = self.rng
        self.next_person += 1
        first = fixed.get("first") or rng.choice(FIRST_NAMES)
        last = fixed.get("last") or rng.choice(SURNAMES)
        postcode = fixed.get("postcode") or _postcode(rng)
        age = fixed.get("age") or rng.choice(AGE_BANDS)
        email = fixed.get("email") or _email(rng, first, last, len(self.records) + 7)
        return self._add(
            self.next_person, fixed.get("kind", "original"), first, last, email, postcode, age
        )

    def duplicate(self, original: LabelledRecord) -> LabelledRecord:
        """The same person signing up again, in one of the ways people do."""
        rng = self.rng
        r = original.record
        first, last, postcode, age = r.first_name, r.last_name, r.postcode, r.age_band
        email = _email(rng, first, last, len(self.records) + 11)
        kind = rng.choice(["nickname", "typo", "new_provider", "married_name", "moved", "same"])
        if kind == "nickname" and first in SHORT_FORMS:
            first = rng.choice(SHORT_FORMS[first]).title()
        elif kind == "typo":
            if rng.random() < 0.5:
                first = _typo(rng, first)
            else:
                last = _typo(rng, last)
        elif kind == "new_provider":
            local = r.email.partition("@")[0]
            email = f"{local}@{rng.choice([p for p in PROVIDERS if p not in r.email])}"
        elif kind == "married_name":
            last = rng.choice([s for s in SURNAMES if s != last])
            email = _email(rng, first, last, len(self.records) + 13)
        elif kind == "moved":
            postcode = _postcode(rng)
            local = r.email.partition("@")[0]
            email = f"{local}@{rng.choice([p for p in PROVIDERS if p not in r.email])}"
        return self._add(original.person, kind, first, last, email, postcode, age)

    def household(self, head: LabelledRecord) -> None:
        """Other people at the head's address: NOT duplicates, however alike they look."""
        rng = self.rng
        r = head.record
        kind = rng.choice(
            ["twin", "partner", "child", "parent_same_name", "shared_email", "neighbour"]
        )
        if kind == "neighbour":
            # Someone else in the same few streets (a postcode covers about fifteen homes).
            self.person(postcode=r.postcode, age=r.age_band, kind=kind)
        elif kind == "twin":
            first = rng.choice([n for n in FIRST_NAMES if n[0] != r.first_name[0]])
            self.person(
                first=first, last=r.last_name, postcode=r.postcode, age=r.age_band, kind=kind
            )
        elif kind in ("partner", "child"):
            first = rng.choice([n for n in FIRST_NAMES if n != r.first_name])
            age = None
            if kind == "child":
                age = AGE_BANDS[max(0, AGE_BANDS.index(r.age_band) - 3)]
            self.person(first=first, last=r.last_name, postcode=r.postcode, age=age, kind=kind)
        elif kind == "parent_same_name":
            index = AGE_BANDS.index(r.age_band)
            other = AGE_BANDS[index + 3] if index + 3 < len(AGE_BANDS) else AGE_BANDS[index - 3]
            self.person(
                first=r.first_name, last=r.last_name, postcode=r.postcode, age=other, kind=kind
            )
        else:
            local, _, domain = r.email.partition("@")
            first = rng.choice([n for n in FIRST_NAMES if n != r.first_name])
            self.person(
                first=first,
                last=r.last_name,
                postcode=r.postcode,
                email=f"{local}+{first.lower()}@{domain}",
                kind=kind,
            )

    def namesake(self, head: LabelledRecord) -> None:
        """Another person with the same name in the same district: NOT a duplicate."""
        district = head.record.postcode.split(" ")[0]
        self.person(
            first=head.record.first_name,
            last=head.record.last_name,
            postcode=_postcode(self.rng, district),
            kind="namesake",
        )


def build_sample(people: int, seed: int = 2026) -> list[LabelledRecord]:
    """About ``people`` people: a tenth sign up twice, a fifth share a home, some share a name."""
    builder = SampleBuilder(seed)
    for _ in range(people):
        head = builder.person()
        roll = builder.rng.random()
        if roll < 0.10:
            builder.duplicate(head)
        elif roll < 0.30:
            builder.household(head)
        elif roll < 0.33:
            builder.namesake(head)
    return builder.records


def true_pairs(sample: list[LabelledRecord]) -> set[tuple[int, int]]:
    """The pairs of member ids that are one person (lower id first)."""
    by_person: dict[int, list[int]] = {}
    for labelled in sample:
        by_person.setdefault(labelled.person, []).append(labelled.record.member_id)
    return {pair for ids in by_person.values() for pair in combinations(sorted(ids), 2)}


def precision_recall(
    found: set[tuple[int, int]], truth: set[tuple[int, int]]
) -> tuple[float, float]:
    """Precision and recall of the found pairs against the true ones."""
    hits = len(found & truth)
    precision = hits / len(found) if found else 1.0
    recall = hits / len(truth) if truth else 1.0
    return round(precision, 4), round(recall, 4)
