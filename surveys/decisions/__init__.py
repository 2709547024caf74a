"""The decisions register: decisions of the Board, its committees, place-based partnership
boards and programmes, each with the public involvement that informed it and what came of it."""
