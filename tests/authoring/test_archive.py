"""Every bad ZIP is refused with a message in Bahasa Indonesia; a good one round-trips."""

from __future__ import annotations

import io
import random
import zipfile

import pytest

from lms.authoring.archive import UploadLimits, read_module_zip, write_module_zip
from lms.errors import ValidationError
from tests.authoring.helpers import PNG, make_zip, module_files

LIMITS = UploadLimits()


def refused(data: bytes, limits: UploadLimits = LIMITS) -> str:
    with pytest.raises(ValidationError) as caught:
        read_module_zip(data, limits)
    return caught.value.message


def test_a_module_folder_zip_is_read_and_round_trips():
    files = {**module_files(), "media/bagan.png": PNG}
    slug, read = read_module_zip(make_zip(files), LIMITS)
    assert (slug, read) == ("modul-uji", files)
    assert read_module_zip(write_module_zip(slug, read), LIMITS) == (slug, files)


def test_hidden_and_system_files_are_left_out():
    files = {**module_files(), ".DS_Store": b"x", "__MACOSX/._module.md": b"x"}
    _, read = read_module_zip(make_zip(files), LIMITS)
    assert set(read) == set(module_files())


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b"bukan zip", "bukan ZIP"),
        (make_zip({}), "kosong"),
        (make_zip(module_files(), top=None), "satu folder modul"),
        (make_zip({"01-a.md": b"x", "catatan.txt": b"x"}), "bukan folder modul"),
        (make_zip(module_files(), top="Modul Uji"), "tidak sesuai aturan"),
        (make_zip({**module_files(), "../luar.md": b"x"}, top=None), "'..'"),
        (make_zip({**module_files(), "/etc/passwd": b"x"}, top=None), "jalur mutlak"),
        (make_zip({**module_files(), "media/a.png": PNG}, symlinks=("media/a.png",)), "symlink"),
        (make_zip({**module_files(), "02-Inti.md": b"x"}), "huruf besar/kecil"),
        (make_zip({**module_files(), "03-latin.md": "caf\u00e9".encode("latin-1")}), "UTF-8"),
        (make_zip({**module_files(), "media/foto.png": b"<html>bukan gambar</html>"}), "bukan gambar PNG"),
        (make_zip({**module_files(), "media/skrip.exe": b"MZ"}), "tidak diizinkan"),
        (
            make_zip({**module_files(), "media/besar.pdf": b"%PDF-1.4\n" + random.Random(1).randbytes(1024 * 1024)}),
            "terlalu besar",
        ),
    ],
)
def test_bad_zips_are_refused_with_a_clear_message(data, words):
    assert words in refused(data)


def test_limits_on_file_count_total_size_and_ratio_are_configurable():
    files = {**module_files(), **{f"media/{n}.png": PNG for n in range(10)}}
    assert "paling banyak 5 berkas" in refused(make_zip(files), UploadLimits(max_files=5))
    assert "paling besar" in refused(make_zip(files), UploadLimits(max_total_bytes=1000))
    bomb = make_zip({**module_files(), "03-bom.md": b"a" * (900 * 1024)})
    assert "ZIP bom" in refused(bomb)


def test_a_zip_lying_about_its_sizes_is_refused():
    data = bytearray(make_zip({**module_files(), "03-a.md": b"a" * 5000}))
    archive = zipfile.ZipFile(io.BytesIO(bytes(data)))
    info = next(i for i in archive.infolist() if i.filename.endswith("03-a.md"))
    # shrink the declared size in the central directory: the reader must not trust it
    index = bytes(data).rfind(info.filename.encode()) - 46 + 24
    data[index : index + 4] = (100).to_bytes(4, "little")
    with pytest.raises(ValidationError):
        read_module_zip(bytes(data), LIMITS)
