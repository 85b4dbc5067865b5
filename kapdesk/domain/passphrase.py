"""What makes a passphrase good enough to lock a practice, judged by zxcvbn (Dropbox's
estimator: dictionaries, names, dates, keyboard patterns), not by character-class rules.

A lost passphrase cannot be recovered: the key is derived from it and kept nowhere. So the
therapist is told that plainly, and a guessable passphrase is refused rather than warned
about: the file may sit on a stolen laptop for years of offline guessing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from kapdesk.domain.errors import InvalidInput

MIN_CHARS = 10
MAX_CHARS = 1024  # zxcvbn's work grows with length; nobody types more
MIN_SCORE = 3  # zxcvbn: 3 = "safely unguessable", ~10^10 guesses
LABELS = ("very weak", "weak", "fair", "strong", "very strong")
LOST = ("If this passphrase is lost, the practice cannot be opened by anyone, kapdesk "
        "included. Write it down and keep it somewhere safe, away from this laptop.")


@dataclass(frozen=True)
class Strength:
    score: int  # 0-4
    label: str
    advice: str  # what would make it stronger, or "" when nothing is needed

    @property
    def enough(self) -> bool:
        return self.score >= MIN_SCORE


def strength(passphrase: str, *, context: Sequence[str] = ()) -> Strength:
    """How hard ``passphrase`` is to guess; ``context`` holds words an attacker would try
    first (the practice's and therapist's names)."""
    if len(passphrase) < MIN_CHARS:
        return Strength(0, LABELS[0], f"Use at least {MIN_CHARS} characters; a few uncommon "
                                      "words with spaces are easy to type and hard to guess.")
    from zxcvbn import zxcvbn  # its word lists load when a passphrase is first judged

    words = [word.lower() for phrase in context for word in phrase.split()]
    result = zxcvbn(passphrase[:MAX_CHARS], user_inputs=words)
    score = int(result["score"])
    feedback = result["feedback"]
    advice = " ".join(part for part in (feedback.get("warning") or "",
                                        *feedback.get("suggestions", [])) if part)
    if score < MIN_SCORE and not advice:
        advice = "Add another uncommon word or two."
    return Strength(score, LABELS[score], advice if score < MIN_SCORE else "")


def check_new_passphrase(passphrase: str, repeated: str, *,
                         context: Sequence[str] = ()) -> Strength:
    """A new passphrase, typed twice, strong enough; else InvalidInput saying why."""
    if "\0" in passphrase:
        raise InvalidInput("passphrase", "cannot hold a NUL character")
    if len(passphrase) > MAX_CHARS:
        raise InvalidInput("passphrase", f"at most {MAX_CHARS} characters")
    judged = strength(passphrase, context=context)
    if not judged.enough:
        raise InvalidInput("passphrase", f"this passphrase is {judged.label}: {judged.advice}")
    if passphrase != repeated:
        raise InvalidInput("repeated", "the two passphrases differ; type the same one twice")
    return judged
