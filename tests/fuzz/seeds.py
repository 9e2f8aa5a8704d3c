#!/usr/bin/env python3
"""Writes the hand-made seed inputs of the fuzz corpora (tests/fuzz/corpus/<target>/seed-*).

    python3 tests/fuzz/seeds.py [BUILD]     (BUILD: also add stripped real guests from BUILD)

The rest of each corpus is what the fuzzers kept (libFuzzer's -merge=1 minimisation) and
the reproducer of every crash found (crash-*), all replayed by `make test`."""
import os
import struct
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
CORPUS = os.path.join(HERE, "corpus")


def write(target, name, data):
    d = os.path.join(CORPUS, target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


# ---- ELF: the smallest guest the loader accepts, and variants ----------------------------
def note(ntype, desc, owner=b"UKMON\0"):
    pad = lambda b: b + b"\0" * (-len(b) % 4)
    return struct.pack("<III", len(owner), len(desc), ntype) + pad(owner) + pad(desc)


def device_note(dtype, name):
    return note(2, struct.pack("<I", dtype) + name.ljust(32, b"\0"))


def tiny_elf(notes, symbols=False, segments=None):
    """ELF64 x86_64 ET_EXEC with PT_LOAD segments (vaddr, flags, bytes, memsz) and a PT_NOTE."""
    if segments is None:
        segments = [(0x100000, 5, b"\xc3", 1), (0x101000, 6, b"\x00" * 8, 0x2000)]
    phnum = len(segments) + 1
    phoff = 64
    off = phoff + 56 * phnum
    blobs, phdrs = b"", []
    for vaddr, flags, data, memsz in segments:
        phdrs.append(struct.pack("<IIQQQQQQ", 1, flags, off + len(blobs), vaddr, vaddr, len(data), memsz, 0x1000))
        blobs += data + b"\0" * (-len(data) % 8)
    notes_off = off + len(blobs)
    phdrs.append(struct.pack("<IIQQQQQQ", 4, 4, notes_off, 0, 0, len(notes), len(notes), 4))
    blobs += notes
    shoff, shnum, shstrndx, tail = 0, 0, 0, b""
    if symbols:
        strtab = b"\0_start\0main\0"
        syms = struct.pack("<IBBHQQ", 0, 0, 0, 0, 0, 0)
        syms += struct.pack("<IBBHQQ", 1, 0x12, 0, 1, 0x100000, 1)   # _start, FUNC
        syms += struct.pack("<IBBHQQ", 8, 0x12, 0, 1, 0x100000, 1)   # main, FUNC
        shstr = b"\0.symtab\0.strtab\0.shstrtab\0"
        base = notes_off + len(notes)
        base += -base % 8
        sym_off = base
        str_off = sym_off + len(syms)
        shstr_off = str_off + len(strtab)
        tail = b"\0" * (base - (notes_off + len(notes))) + syms + strtab + shstr
        shoff = shstr_off + len(shstr)
        pad = -shoff % 8
        tail += b"\0" * pad
        shoff += pad
        sh = lambda name, typ, o, size, link, ent: struct.pack("<IIQQQQIIQQ", name, typ, 0, 0, o, size, link, 0, 8, ent)
        tail += sh(0, 0, 0, 0, 0, 0) + sh(1, 2, sym_off, len(syms), 2, 24) + sh(9, 3, str_off, len(strtab), 0, 0) + \
            sh(17, 3, shstr_off, len(shstr), 0, 0)
        shnum, shstrndx = 4, 3
    ehdr = b"\x7fELF" + bytes([2, 1, 1, 0]) + b"\0" * 8
    ehdr += struct.pack("<HHIQQQIHHHHHH", 2, 62, 1, 0x100000, phoff, shoff, 0, 64, 56, phnum, 64, shnum, shstrndx)
    return ehdr + b"".join(phdrs) + blobs + tail


ABI = note(1, struct.pack("<I", 1))


def elf_seeds(build):
    write("elf_loader", "seed-tiny", tiny_elf(ABI))
    write("elf_loader", "seed-tiny-devices", tiny_elf(ABI + device_note(1, b"service") + device_note(2, b"disk")))
    write("elf_loader", "seed-tiny-symbols", tiny_elf(ABI + device_note(2, b"storage"), symbols=True))
    write("elf_loader", "seed-tiny-wx", tiny_elf(ABI, segments=[(0x100000, 7, b"\xc3", 1)]))
    write("elf_loader", "seed-tiny-abi2", tiny_elf(note(1, struct.pack("<I", 2))))
    write("elf_loader", "seed-tiny-overlap",
          tiny_elf(ABI, segments=[(0x100000, 5, b"\xc3", 0x1800), (0x101000, 6, b"\0", 8)]))
    write("elf_loader", "seed-tiny-high", tiny_elf(ABI, segments=[(0x100000, 5, b"\xc3", 1),
                                                                  (0xFFFFF000, 6, b"\0", 0x1000)]))
    write("elf_loader", "seed-not-elf", b"\x7fELF")
    if build:
        for exe in ("examples/hello.elf", "examples/blkstore.elf", "tests/guests/hostile_args_net.elf"):
            src = os.path.join(build, exe)
            out = os.path.join(CORPUS, "elf_loader", "seed-" + os.path.basename(exe).replace(".elf", "-stripped"))
            subprocess.run(["strip", "-s", "-o", out, src], check=True)


# ---- CLI: NUL-separated argument vectors ------------------------------------------------------
def cli_seeds():
    vectors = {
        "full": ["--backend=kvm", "--mem=64M", "--timeout=5", "-v", "--block:disk=/tmp/disk.img",
                 "--net:service=tap0", "--net-mac:service=02:00:00:00:00:01", "--", "a", "b c"],
        "seccomp": ["--backend=seccomp", "--mem=4M", "--block-ro:disk=disk.img", "--print-filter"],
        "auto": ["--backend=auto", "--mem=4G", "--timeout=4294967295", "--kvm-cpl0"],
        "bad-mem": ["--mem=99999999999999999999G"],
        "bad-timeout": ["--timeout=0", "--timeout=-1", "--timeout=4294967296"],
        "undeclared": ["--block:other=x", "--net:service"],
        "twice": ["--block:disk=a", "--block-ro:disk=b"],
        "unknown": ["--frob", "stray", "-x", "--mem"],
        "help": ["--help", "--version"],
    }
    for name, args in vectors.items():
        write("cli", "seed-" + name, b"\0".join(a.encode() for a in args))


# ---- dispatcher: operation sequences (see dispatcher_fuzz.cpp, one()) --------------------------
ANCHOR = {"null": 1, "private": 2, "boot": 3, "gate": 4, "text": 5, "rodata": 6, "data": 7, "heap": 8,
          "guard": 9, "stack": 10, "end": 11, "4g": 12, "max": 13}


def addr(where, off=0):
    return bytes([ANCHOR[where]]) + struct.pack("<h", off)


def op(nr, where, fields, off=0, pointer=None, frames=None, raw_nr=False):
    mode = (1 if raw_nr else 2) | 4 | (8 if pointer else 0) | (16 if frames is not None else 0)
    out = bytes([mode]) + (struct.pack("<Q", nr) if raw_nr else bytes([nr])) + addr(where, off)
    out += b"".join(struct.pack("<Q", f & 0xFFFFFFFFFFFFFFFF) for f in (fields + [0] * 6)[:6])
    if pointer:
        out += addr(*pointer)
    if frames is not None:
        out += bytes([len(frames)])
        for where_off, length in frames:
            out += addr(*where_off) + struct.pack("<QQ", length, 0)
    return out


def dispatcher_seeds():
    heap = ("heap", 0)
    seqs = {
        "core": op(0, "heap", []) + op(1, "heap", [0, 0, 16], pointer=("rodata", 0)) + op(2, "heap", [0, 100]) +
        op(9, "heap", [0, 3, 0, 16], pointer=("data", 0)),
        "blk": op(3, "heap", [0, 1]) + op(5, "heap", [0, 1, 0, 0, 512], pointer=("data", 0)) +
        op(4, "heap", [0, 1, 512, 0, 1024], pointer=("rodata", 0)) + op(10, "heap", [0, 1]) +
        op(4, "heap", [0, 2, 0, 0, 512], pointer=("data", 0)) + op(5, "heap", [0, 1, 0, 0, 512], pointer=("text", 0)),
        "net": op(6, "heap", [0, 0]) + op(7, "heap", [0, 0, 0, 60], pointer=("data", 0)) +
        op(8, "heap", [0, 0, 0, 2048], pointer=("data", 0)) +
        op(11, "heap", [0, 0, 0, 2], pointer=("stack", 0), frames=[(("data", 0), 60), (("data", 64), 14)]) +
        op(12, "heap", [0, 0, 0, 2], pointer=("stack", 0), frames=[(("data", 0), 2048), (("rodata", 0), 2048)]),
        "bad-structs": op(1, "null", []) + op(0, "boot", []) + op(0, "gate", []) + op(0, "text", []) +
        op(0, "guard", []) + op(0, "end", [], off=-8) + op(0, "private", []) + op(0, "data", [], off=1) +
        op(9, "rodata", [0, 3]),
        "unknown": op(13, "heap", [], raw_nr=True) + op((1 << 32) + 1, "heap", [], raw_nr=True) +
        op((1 << 64) - 1, "heap", [], raw_nr=True),
    }
    for name, data in seqs.items():
        write("dispatcher", "seed-" + name, data)


if __name__ == "__main__":
    elf_seeds(sys.argv[1] if len(sys.argv) > 1 else None)
    cli_seeds()
    dispatcher_seeds()
