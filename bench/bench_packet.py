"""Benchmark of the filing packet (packet.py): prints each target beside its measured value and ratio.

Generated fictional exhibits (nothing real): 50 PDFs of 10 pages each, once as text pages and once as
scanned-image pages (a grayscale 150 dpi page image each). Each packet (separators, stamps, bookmarks,
page labels, index) is compared in the same run with the floor, a plain pypdf merge of the same files
(``PdfWriter.append``, no stamps or bookmarks), both written to disk; times are the best of several
rounds in which the runs being compared take turns.
Targets: packet time <= 2.5x the floor's, packet peak memory (tracemalloc) <= 1.5x the floor's, and a
1,000-page packet in <= 2.1x the 500-page packet's time.
Run: ./dev bench   (or .venv/bin/python bench/bench_packet.py [--repeat N])
"""
from __future__ import annotations

import argparse
import gc
import random
import sys
import tempfile
import time
import tracemalloc
import zlib
from pathlib import Path

from pypdf import PdfWriter
from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject, NumberObject, StreamObject

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from docassemble.traffickingrelief.packet import PacketItem, build_packet  # noqa: E402

WORDS = ("the of and to in a was that for on with as at by from this had not are but were have an they which "
         "one you all she there would their we him been has when who will more no if out so said what up its").split()


def _font(writer: PdfWriter):
    return writer._add_object(DictionaryObject({
        NameObject("/Type"): NameObject("/Font"), NameObject("/Subtype"): NameObject("/Type1"),
        NameObject("/BaseFont"): NameObject("/Times-Roman")}))


def _stream(data: bytes) -> DecodedStreamObject:
    s = DecodedStreamObject()
    s.set_data(data)
    return s


def text_pdf(path: Path, pages: int, rng: random.Random) -> None:
    """Pages of about 45 lines of text each, like a typed statement."""
    w = PdfWriter()
    font = _font(w)
    for _ in range(pages):
        page = w.add_blank_page(612, 792)
        lines = [f"1 0 0 1 72 {740 - 14 * i} Tm ({' '.join(rng.choices(WORDS, k=14))}) Tj" for i in range(45)]
        page[NameObject("/Contents")] = w._add_object(_stream(("BT /F1 11 Tf " + " ".join(lines) + " ET").encode()))
        page[NameObject("/Resources")] = DictionaryObject({NameObject("/Font"): DictionaryObject({NameObject("/F1"): font})})
    w.write(path)


def scan_images(count: int, rng: random.Random) -> list[bytes]:
    """Flate-compressed 8-bit grayscale page images (1275 x 1650, 150 dpi): paper noise and dark text runs."""
    width, height = 1275, 1650
    text_rows = [bytes([250] * 120 + [rng.choice((20, 40, 235, 245, 250)) for _ in range(1030)] + [250] * 125)
                 for _ in range(64)]
    paper_rows = [bytes(250 - (rng.random() < 0.02) * 30 for _ in range(width)) for _ in range(64)]
    images = []
    for _ in range(count):
        rows = [rng.choice(text_rows if 150 < y < 1500 and (y // 12) % 2 == 0 else paper_rows) for y in range(height)]
        images.append(zlib.compress(b"".join(rows), 6))
    return images


def scan_pdf(path: Path, pages: int, images: list[bytes], rng: random.Random) -> None:
    w = PdfWriter()
    for _ in range(pages):
        page = w.add_blank_page(612, 792)
        image = w._add_object(StreamObject.initialize_from_dictionary({
            NameObject("/Type"): NameObject("/XObject"), NameObject("/Subtype"): NameObject("/Image"),
            NameObject("/Width"): NumberObject(1275), NameObject("/Height"): NumberObject(1650),
            NameObject("/BitsPerComponent"): NumberObject(8), NameObject("/ColorSpace"): NameObject("/DeviceGray"),
            NameObject("/Filter"): NameObject("/FlateDecode"), "__streamdata__": rng.choice(images)}))
        page[NameObject("/Resources")] = DictionaryObject({NameObject("/XObject"): DictionaryObject({NameObject("/Im0"): image})})
        page[NameObject("/Contents")] = w._add_object(_stream(b"q 612 0 0 792 0 0 cm /Im0 Do Q"))
    w.write(path)


def floor_merge(files: list[Path], out: Path) -> None:
    writer = PdfWriter()
    for f in files:
        writer.append(f)
    with open(out, "wb") as fh:
        writer.write(fh)


def packet(files: list[Path], out: Path) -> None:
    items = [PacketItem(id=f"E{i + 1}", title=f"Fictional exhibit {i + 1}", path=f,
                        group=("Victim of a severe form of trafficking", "Physical presence", "Compliance",
                               "Extreme hardship")[i * 4 // len(files)]) for i, f in enumerate(files)]
    build_packet(items, out, stamp_prefix="TV-")


def best_seconds(fns, repeat: int) -> list[float]:
    """Best time of each function over ``repeat`` rounds, all run in turn in every round: on a shared machine
    the best of several runs is the one least disturbed by other work, and turns keep the comparison fair."""
    for fn in fns:
        fn()  # warm-up
    times = [[] for _ in fns]
    for _ in range(repeat):
        for fn, own in zip(fns, times):
            gc.collect()
            start = time.perf_counter()
            fn()
            own.append(time.perf_counter() - start)
    return [min(own) for own in times]


def peak_bytes(fn) -> int:
    gc.collect()
    tracemalloc.start()
    try:
        fn()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def row(label: str, target: str, value: str, ratio: float | None, limit: float | None) -> None:
    verdict = "" if limit is None else ("ok" if ratio <= limit else "OVER")
    print(f"  {label:<44}{target:>12}{value:>22}{'' if ratio is None else f'{ratio:>8.2f}x'}  {verdict}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    rng = random.Random(12)
    over = 0
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        images = scan_images(4, rng)
        sets = {}
        for kind, exhibits in (("text", 50), ("scanned", 50), ("text-1000", 100)):
            folder = tmp / kind
            folder.mkdir()
            files = [folder / f"exhibit{i:03d}.pdf" for i in range(exhibits)]
            for f in files:
                (text_pdf(f, 10, rng) if kind.startswith("text") else scan_pdf(f, 10, images, rng))
            sets[kind] = files
        for kind in ("text", "scanned"):
            files = sets[kind]
            f_time, p_time = best_seconds([lambda: floor_merge(files, tmp / "floor.pdf"),
                                             lambda: packet(files, tmp / "packet.pdf")], args.repeat)
            f_mem, p_mem = peak_bytes(lambda: floor_merge(files, tmp / "floor.pdf")), peak_bytes(lambda: packet(files, tmp / "packet.pdf"))
            print(f"{kind} pages: 500 pages in 50 exhibits (+ separators and index), best of {args.repeat} rounds")
            print(f"  {'':<44}{'target':>12}{'measured':>22}{'ratio':>9}")
            row("plain pypdf merge (floor) time", "", f"{f_time:.3f} s", None, None)
            row("packet time / floor time", "<= 2.5x", f"{p_time:.3f} s", p_time / f_time, 2.5)
            row("plain pypdf merge (floor) peak memory", "", f"{f_mem / 1e6:.1f} MB", None, None)
            row("packet peak memory / floor peak memory", "<= 1.5x", f"{p_mem / 1e6:.1f} MB", p_mem / f_mem, 1.5)
            over += (p_time / f_time > 2.5) + (p_mem / f_mem > 1.5)
        small, big = best_seconds([lambda: packet(sets["text"], tmp / "packet500.pdf"),
                                     lambda: packet(sets["text-1000"], tmp / "packet1000.pdf")], args.repeat)
        print("text pages: 1,000 pages in 100 exhibits against 500 pages in 50, timed in the same rounds")
        row("500-page packet time", "", f"{small:.3f} s", None, None)
        row("1,000-page time / 500-page time", "<= 2.1x", f"{big:.3f} s", big / small, 2.1)
        over += big / small > 2.1
    print("all packet targets met" if not over else f"{over} packet target(s) missed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
