"""Run-level failures: bad options, an unusable policy file, a score book that already exists.

Problems in the data never raise; they become `Problem` rows. These exceptions stop one
command and are turned into a one-line Indonesian message once, at the CLI boundary.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from sheetnilai.messages import render


class SheetnilaiError(Exception):
    """A run cannot go on; carries a message id from the catalogue and its parameters."""

    def __init__(
        self,
        message_id: str,
        params: Mapping[str, object] | None = None,
        details: Sequence[str] = (),
    ) -> None:
        self.message_id = message_id
        self.params = {k: str(v) for k, v in (params or {}).items()}
        self.details = tuple(details)
        super().__init__(self.message)

    @property
    def message(self) -> str:
        return render(self.message_id, self.params)
