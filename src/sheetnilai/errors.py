"""Run-level failures: bad options, an unusable policy file, a score book that already exists.

Problems in the data never raise; they become `Problem` rows. These exceptions stop one
command and are turned into a one-line Indonesian message once, at the CLI boundary.
"""

from __future__ import annotations

import re
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
        self.params = {k: display_name(str(v)) for k, v in (params or {}).items()}
        self.details = tuple(details)
        super().__init__(self.message)

    @property
    def message(self) -> str:
        return render(self.message_id, self.params)


def os_reason(exc: BaseException) -> str:
    """Why a file operation failed, in Indonesian and without the machine's paths.

    `str(OSError)` is English and carries the absolute path ("[Errno 13] Permission denied:
    '/home/…'"); the user already sees the file's name where it matters.
    """
    import errno

    if isinstance(exc, PermissionError):
        return "tidak ada izin untuk mengaksesnya"
    if isinstance(exc, FileNotFoundError):
        return "berkas atau folder tidak ditemukan (mungkin dipindahkan atau dihapus)"
    if isinstance(exc, IsADirectoryError):
        return "yang dituju adalah folder, bukan berkas"
    if isinstance(exc, NotADirectoryError):
        return "salah satu bagian lokasinya adalah berkas, bukan folder"
    if isinstance(exc, OSError):
        reasons = {
            errno.ENOSPC: "ruang disk penuh",
            errno.EROFS: "disk hanya dapat dibaca",
            errno.ENAMETOOLONG: "nama atau lokasinya terlalu panjang",
            errno.ELOOP: "tautan simbolik berputar (menunjuk ke dirinya sendiri)",
            errno.EIO: "galat baca/tulis perangkat",
            errno.EMFILE: "terlalu banyak berkas terbuka",
            errno.EBUSY: "sedang dipakai program lain",
            errno.EXDEV: "berada di disk yang berbeda",
            errno.EEXIST: "sudah ada",
        }
        if exc.errno in reasons:
            return reasons[exc.errno]
        return f"galat sistem berkas (kode {exc.errno})" if exc.errno else "galat sistem berkas"
    return "galat yang tidak terduga"


_CONTROL = re.compile("[\x00-\x1f\x7f]")


def display_name(name: str) -> str:
    """`name` (a file name, a path) as text that can be printed and stored anywhere.

    Bytes that are not UTF-8 (a Windows zip extracted on Linux; Python keeps them as lone
    surrogates) become U+FFFD, and control characters (a line break in a file name) become
    U+FFFD too, so one name stays one line in the terminal and one cell in the score book.
    """
    if not name.isascii():
        try:
            name.encode("utf-8")
        except UnicodeEncodeError:
            import os

            name = os.fsencode(name).decode("utf-8", "replace")
    # Every parameter of every problem passes here: a regex, not a loop over characters.
    return _CONTROL.sub("\ufffd", name) if _CONTROL.search(name) else name
