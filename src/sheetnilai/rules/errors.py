"""The rules' one exception: bad input, with a stable code and an Indonesian message."""

from __future__ import annotations

from sheetnilai.messages import render, render_advice
from sheetnilai.problems import Problem


class RuleError(ValueError):
    """Raised by a rule for input it cannot score; never a bare ValueError/KeyError.

    It subclasses ValueError so that callers who only know Python still catch it, and it
    turns into a `Problem` once the caller knows where the input came from.
    """

    def __init__(self, code: str, **params: object) -> None:
        self.code = code
        self.params = {k: _text(v) for k, v in params.items()}
        super().__init__(self.message)

    @property
    def message(self) -> str:
        return render(self.code, self.params)

    @property
    def advice(self) -> str:
        return render_advice(self.code, self.params)

    def to_problem(
        self,
        file: str | None = None,
        sheet: str | None = None,
        cell: str | None = None,
        row: int | None = None,
        nip: str | None = None,
        nama: str | None = None,
    ) -> Problem:
        return Problem.make(
            self.code,
            params=self.params,
            file=file,
            sheet=sheet,
            cell=cell,
            row=row,
            nip=nip,
            nama=nama,
        )


def _text(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
