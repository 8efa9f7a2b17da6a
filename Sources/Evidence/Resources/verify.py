#!/usr/bin/env python3
"""verify.py - checks a ChatLedger evidence package (format "chatledger.evidence.v1") on its own.

Usage:   python3 verify.py PACKAGE.zip [--public-key PEM_FILE] [--json]
Needs:   Python 3.9 or newer and the "cryptography" package (pip install cryptography); nothing else.
Exit:    0 = every check passed; 1 = a check failed (the first failure is named); 2 = usage error or unreadable file.

Background for a reader who is not a programmer
-----------------------------------------------
ChatLedger keeps an append-only log of everything it archives.  Each record ("leaf") is a byte string; the log
is summarised by one 32-byte SHA-256 value, the "root" of a Merkle tree (RFC 9162), built like this:
    leaf hash = SHA-256(0x00 || leaf bytes)        node hash = SHA-256(0x01 || left || right)
Changing, removing or reordering any leaf changes the root.  Periodically the archive signs a short text,
the "checkpoint note" (origin, number of leaves, root, time), with its Ed25519 key.  An "inclusion proof" is the
handful of hashes needed to recompute the root from one leaf; a "consistency proof" shows that a later, larger
log still begins with exactly the earlier one (nothing was rewritten, only appended).
Leaf bytes (all integers big-endian; a "field" is a 4-byte length followed by that many bytes):
    message: "chatledger.message.v1\\n" + 8-byte seq + field(msgid) + field(the message JSON, byte for byte)
    media:   "chatledger.media.v1\\n" + field(msgid) + field(sdkfileid) + 32-byte SHA-256 of the file + 8-byte size
The seven checks (Package.check_1_key ... check_7_transcript below) run in this order; the first failure stops:
  1. the key: --public-key if given (it must be the key in checkpoint.json), else the package's own key
  2. manifest.sig is that key's signature over the exact bytes of manifest.json
  3. the ZIP is laid out as ChatLedger writes it and holds exactly the files manifest.json lists, each with the
     listed SHA-256 and size
  4. both checkpoints in checkpoint.json are signed by the key, and the consistency proof links them
  5. each proofs/N.json leads from its leaf, at position N, to the signed root
  6. each leaf's content is in messages/ or media/ byte for byte, and every such file has a leaf
  7. index.html shows each message exactly once, with its leaf number, msgid and leaf hash
"""
import argparse
import base64
import hashlib
import json
import re
import struct
import sys
import zlib
from collections import Counter
from datetime import datetime, timezone
from html.parser import HTMLParser

try:
    from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
except ImportError:
    print("verify.py needs the 'cryptography' package: pip install cryptography", file=sys.stderr)
    sys.exit(2)

FORMAT = "chatledger.evidence.v1"
MESSAGE_PREFIX = b"chatledger.message.v1\n"
MEDIA_PREFIX = b"chatledger.media.v1\n"
STEPS = ["signing key", "manifest signature", "files match the manifest", "checkpoints and consistency",
         "inclusion proofs", "leaves match the files", "transcript index.html"]
INDEX = r"(0|[1-9][0-9]*)"  # a leaf index: decimal, no leading zeros
# Every name an evidence package v1 may contain; anything else is refused in check 3.
ALLOWED_NAME = re.compile(r"(checkpoint\.json|index\.html|verify\.py|README\.txt|manifest\.json|manifest\.sig"
                          r"|messages/" + INDEX + r"\.json|proofs/" + INDEX + r"\.json|media/[0-9a-f]{64})")

class Failed(Exception):
    """A check failed; the text says which file or leaf and why."""

def fail(text):
    raise Failed(text)

# ---- Small helpers: hashing and strict reading of JSON values -------------------------------------------------

def sha256(data):
    return hashlib.sha256(data).digest()

def leaf_hash(leaf):
    return sha256(b"\x00" + leaf)

def node_hash(left, right):
    return sha256(b"\x01" + left + right)

def load_json(data, where):
    """Parses a JSON object, refusing repeated keys (two readers could otherwise see different values)."""
    def no_repeats(pairs):
        if len(dict(pairs)) != len(pairs):
            fail(f"{where} repeats a key")
        return dict(pairs)
    try:
        value = json.loads(data.decode("utf-8"), object_pairs_hook=no_repeats)
    except (UnicodeDecodeError, ValueError):
        fail(f"{where} is not valid JSON")
    if not isinstance(value, dict):
        fail(f"{where} is not a JSON object")
    return value

def get(obj, kind, key, where):
    """obj[key], which must be text (kind str) or a whole number >= 0 (kind int)."""
    value = obj.get(key)
    if not isinstance(value, kind) or isinstance(value, bool) or (kind is int and value < 0):
        fail(f"{where}: \"{key}\" is missing or not {'a whole number' if kind is int else 'text'}")
    return value

def from_hex(value, where):
    if not isinstance(value, str) or not re.fullmatch(r"[0-9a-fA-F]{64}", value):
        fail(f"{where} is not a 64-digit hex SHA-256 value")
    return bytes.fromhex(value)

def hash_list(obj, key, where):
    values = obj.get(key)
    if not isinstance(values, list):
        fail(f"{where}: \"{key}\" is not a list of hashes")
    return [from_hex(value, f"{where} {key}[{i}]") for i, value in enumerate(values)]

def from_base64(value, where):
    try:
        return base64.b64decode(value, validate=True)
    except (TypeError, ValueError):
        fail(f"{where} is not valid base64")

def key_bytes(key):
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)

def key_id(key):
    """The short key id ChatLedger prints: hex of the first 8 bytes of SHA-256 of the 32 raw key bytes."""
    return sha256(key_bytes(key))[:8].hex()

def load_key(pem_bytes, where):
    try:
        key = serialization.load_pem_public_key(pem_bytes)
    except (ValueError, UnsupportedAlgorithm):
        fail(f"{where} is not a PEM public key")
    if not isinstance(key, Ed25519PublicKey):
        fail(f"{where} is not an Ed25519 public key")
    return key

def signed(key, signature, data):
    try:
        key.verify(signature, data)
        return True
    except InvalidSignature:
        return False

def utc(ms):
    try:
        return datetime.fromtimestamp(ms / 1000, timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC")
    except (OverflowError, ValueError, OSError):
        return f"{ms} ms"

# ---- Merkle proofs, RFC 9162.  Python's standard library has no Merkle-tree code, so both algorithms are written
# out by hand, following the numbered steps of RFC 9162 sections 2.1.3.2 and 2.1.4.2 (fn/sn/fr/sr are the RFC's
# names).  "x >> 1" halves a number (a step up the tree); "x & 1" is 1 when x is odd (a right-hand child).

def verify_inclusion(hash_, index, size, path, root):
    """RFC 9162 2.1.3.2: does the audit path `path` lead from leaf hash `hash_` at `index` to `root`?"""
    if index >= size:                         # step 1: the leaf must be inside the tree
        return False
    fn, sn, r = index, size - 1, hash_        # steps 2-3
    for p in path:                            # step 4
        if sn == 0:                           # 4a: more hashes than the tree has levels
            return False
        if fn & 1 or fn == sn:                # 4b: p is a left sibling: r = HASH(0x01 || p || r)
            r = node_hash(p, r)
            while fn != 0 and not fn & 1:     # 4b.ii: skip levels where this node has no right sibling
                fn, sn = fn >> 1, sn >> 1
        else:                                 # otherwise p is a right sibling: r = HASH(0x01 || r || p)
            r = node_hash(r, p)
        fn, sn = fn >> 1, sn >> 1             # 4c: one level up
    return sn == 0 and r == root              # step 5: used every level, and reached the signed root

def verify_consistency(size1, size2, root1, root2, path):
    """RFC 9162 2.1.4.2: does `path` show that the tree (size2, root2) begins with the tree (size1, root1)?"""
    if size1 == size2:                        # same size: the RFC's proof is empty and the roots must be equal
        return not path and root1 == root2
    if size1 == 0:                            # the empty tree is the beginning of every tree
        return not path
    if size1 > size2 or not path:             # step 1: a growing log needs a non-empty proof
        return False
    if size1 & (size1 - 1) == 0:              # step 2: size1 is a power of two: its root is itself a node
        path = [root1] + path
    fn, sn = size1 - 1, size2 - 1             # step 3
    while fn & 1:                             # step 4
        fn, sn = fn >> 1, sn >> 1
    fr = sr = path[0]                         # step 5: fr rebuilds the old root, sr the new one
    for c in path[1:]:                        # step 6
        if sn == 0:                           # 6a
            return False
        if fn & 1 or fn == sn:                # 6b: c is a left sibling in both trees
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            while fn != 0 and not fn & 1:     # 6b.ii
                fn, sn = fn >> 1, sn >> 1
        else:                                 # c exists only in the new tree, on the right
            sr = node_hash(sr, c)
        fn, sn = fn >> 1, sn >> 1             # 6c: one level up
    return sn == 0 and fr == root1 and sr == root2   # step 7

def decode_leaf(leaf, where):
    """Reads a leaf's bytes back into its fields (layout at the top of this file)."""
    pos = 0
    def take(count):
        nonlocal pos
        if pos + count > len(leaf):
            fail(f"{where}: the leaf is cut short")
        pos += count
        return leaf[pos - count:pos]
    def number(width):
        return int.from_bytes(take(width), "big")
    def field():
        return take(number(4))

    if leaf.startswith(MESSAGE_PREFIX):
        take(len(MESSAGE_PREFIX))
        result = ("message", number(8), field().decode("utf-8", "replace"), field())
    elif leaf.startswith(MEDIA_PREFIX):
        take(len(MEDIA_PREFIX))
        result = ("media", field().decode("utf-8", "replace"), field(), take(32), number(8))
    else:
        fail(f"{where}: the leaf is neither a message nor an attachment record")
    if pos != len(leaf):
        fail(f"{where}: the leaf has bytes after its last field")
    return result

# ---- Reading the ZIP.  verify.py reads the package's ZIP itself, with the standard library's struct and zlib, rather
# than with Python's zipfile module: the Swift verifier reads it the same way, byte for byte, so both see the same
# entries.  Check 3 then accepts only the layout ChatLedger's writer (the ZIPFoundation library, version 0.9.20)
# produces: the entries back to back from the first byte, each "local header" (the few bytes in front of an entry's
# data) repeating what the "central directory" (the index near the end of the file) says about the entry, then the
# central directory, then the end record with no comment.  A ZIP laid out any other way can show one program files
# that another program does not see (a program that reads a ZIP front to back uses the local headers, most others
# use the central directory), so such a ZIP is refused even when every listed file is intact.

LOCAL_HEADER, CENTRAL_HEADER = b"PK\x03\x04", b"PK\x01\x02"
END_RECORD, ZIP64_END_RECORD, ZIP64_LOCATOR = b"PK\x05\x06", b"PK\x06\x06", b"PK\x06\x07"
MAX16, MAX32 = 0xFFFF, 0xFFFFFFFF          # a field holding its largest value means "see the ZIP64 record"
UTF8_NAME_FLAG = 0x0800                    # the only flag ChatLedger's writer sets: names are UTF-8
CENTRAL_DIRECTORY_LIMIT = 256 << 20
KEPT_LIMIT = 64 << 20                      # checkpoint.json, the manifest and the proofs are read into memory
CHUNK = 1 << 16

class Unreadable(Exception):
    """The file is not a ZIP that can be read at all (exit status 2)."""

class EntryProblem(Exception):
    """One entry's data cannot be read; the text says why."""

def kept_in_memory(name):
    return name in ("checkpoint.json", "manifest.json", "manifest.sig") or name.startswith("proofs/")

def fields_as_written(usize, csize, offset):
    """The size and offset fields ChatLedger's writer puts in an entry's local header and central-directory record:
    a value that does not fit in 32 bits is written as 0xFFFFFFFF and given in a ZIP64 extra field."""
    big = usize >= MAX32 or csize >= MAX32
    sizes = (MAX32, MAX32) if big else (csize, usize)
    local_extra = struct.pack("<HHQQ", 1, 16, usize, csize) if big else b""
    values = ([usize, csize] if big else []) + ([offset] if offset >= MAX32 else [])
    central_extra = struct.pack(f"<HH{len(values)}Q", 1, 8 * len(values), *values) if values else b""
    return sizes, min(offset, MAX32), local_extra, central_extra

def zip64_values(extra):
    """The 8-byte values of the first ZIP64 extra field (id 1) in an extra-field block, or None."""
    at = 0
    while at + 4 <= len(extra):
        kind, size = struct.unpack_from("<HH", extra, at)
        if at + 4 + size > len(extra):
            return None
        if kind == 1:
            return [struct.unpack_from("<Q", extra, at + 4 + 8 * k)[0] for k in range(size // 8)]
        at += 4 + size
    return None

class Entry:
    """One central-directory record: what the index says about an entry."""

    def __init__(self, number, record, name, extra):
        (_, _, _, self.flags, self.method, _, _, self.crc, self.csize32, self.usize32, _, _, self.comment_length,
         self.disk, _, self.attributes, self.offset32) = record
        self.number, self.raw_name, self.extra = number, name, extra
        self.name = name.decode("utf-8", "replace")
        self.usize, self.csize, self.offset = self.usize32, self.csize32, self.offset32
        wide = [field for field in ("usize", "csize", "offset") if getattr(self, field + "32") == MAX32]
        if wide:                             # the real values are in the ZIP64 extra field, in this order
            values = zip64_values(extra)
            if values is None or len(values) < len(wide):
                raise Unreadable("its central directory is damaged")
            for field, value in zip(wide, values):
                setattr(self, field, value)

class PackageZip:
    """The package file, read as a ZIP: its central directory, its layout, and each entry's bytes."""

    def __init__(self, path):
        self.file = open(path, "rb")
        try:
            self.size = self.file.seek(0, 2)
            self.read_directory()
        except Exception:
            self.file.close()
            raise

    def close(self):
        self.file.close()

    def at(self, position, count):
        """Up to `count` bytes from `position` (fewer at the end of the file)."""
        if position < 0 or position >= self.size:
            return b""
        self.file.seek(position)
        return self.file.read(count)

    def read_directory(self):
        # The end record: the last "PK\5\6" that leaves room for its 22 bytes, within a comment's reach of the end.
        if self.size < 22:
            raise Unreadable("it is too short to be a ZIP file")
        start = max(0, self.size - 22 - MAX16)
        found = self.at(start, self.size - start).rfind(END_RECORD, 0, self.size - start - 18)
        if found < 0:
            raise Unreadable("it is not a ZIP file: there is no end-of-central-directory record")
        self.end = start + found
        self.end_fields = struct.unpack("<4sHHHHIIH", self.at(self.end, 22))
        count, cd_size, cd_offset = self.end_fields[4], self.end_fields[5], self.end_fields[6]
        cd_end, self.zip64 = self.end, None
        if self.end >= 20 and self.at(self.end - 20, 4) == ZIP64_LOCATOR:
            locator = struct.unpack("<4sIQI", self.at(self.end - 20, 20))
            record = self.at(self.end - 76, 56) if self.end >= 76 else b""
            if len(record) < 56 or record[:4] != ZIP64_END_RECORD:
                raise Unreadable("its ZIP64 end-of-central-directory record is missing")
            record = struct.unpack("<4sQHHIIQQQQ", record)
            self.zip64 = (record, locator)
            count, cd_size, cd_offset = record[7], record[8], record[9]
            cd_end = self.end - 76
        self.count, self.cd_size, self.cd_offset = count, cd_size, cd_offset
        # The central directory ends where the end records begin.  Where it starts, minus where the end record says
        # it starts, is how many bytes were put in front of the ZIP (0 in a package as written).
        self.cd_start = cd_end - cd_size
        if self.cd_start < 0:
            raise Unreadable("its central directory does not fit in the file")
        if cd_size > CENTRAL_DIRECTORY_LIMIT:
            raise Unreadable("its central directory is larger than 256 MiB")
        self.shift = self.cd_start - cd_offset
        directory = self.at(self.cd_start, cd_size)
        self.entries, self.by_name, at = [], {}, 0
        while at < len(directory):
            if directory[at:at + 4] != CENTRAL_HEADER or at + 46 > len(directory):
                raise Unreadable("its central directory is damaged")
            record = struct.unpack_from("<4sHHHHHHIIIHHHHHII", directory, at)
            name_end = at + 46 + record[10]
            extra_end = name_end + record[11]
            if extra_end + record[12] > len(directory):
                raise Unreadable("its central directory is damaged")
            entry = Entry(len(self.entries) + 1, record, directory[at + 46:name_end], directory[name_end:extra_end])
            self.entries.append(entry)
            self.by_name[entry.name] = entry     # when a name repeats, the last entry counts (check 3 refuses it)
            at = extra_end + record[12]
        if len(self.entries) != count:
            raise Unreadable("its central directory is damaged")

    def entry(self, name):
        return self.by_name.get(name)

    def layout_problem(self):
        """Check 3's first step: None when the ZIP is laid out exactly as ChatLedger's writer lays it out, else why
        not."""
        if self.end != self.size - 22 or self.end_fields[7] != 0:
            return "the ZIP does not end with its end-of-central-directory record: a comment or other data follows it"
        if not self.end_records_as_written():
            return ("the ZIP's end-of-central-directory record is not as ChatLedger writes it (disk numbers, entry "
                    "counts or ZIP64 records)")
        position = 0                         # where the next entry must begin: right after the previous one
        for entry in self.entries:
            problem, position = self.entry_layout_problem(entry, position)
            if problem:
                return problem
        if position != self.cd_start:
            return ("the central directory does not begin where the last entry ends: the ZIP holds hidden or "
                    "overlapping data there")
        if self.shift != 0:
            return "the end-of-central-directory record gives a wrong offset for the central directory"
        return None

    def end_records_as_written(self):
        _, disk, cd_disk, disk_count, count, cd_size, cd_offset, _ = self.end_fields
        needs_zip64 = self.count >= MAX16 or self.cd_size >= MAX32 or self.cd_offset >= MAX32
        if (disk, cd_disk, disk_count) != (0, 0, count) or needs_zip64 != (self.zip64 is not None) or \
                (count, cd_size, cd_offset) != (min(self.count, MAX16), min(self.cd_size, MAX32),
                                                min(self.cd_offset, MAX32)):
            return False
        if self.zip64:
            (_, record_size, _, _, disk64, cd_disk64, disk_count64, count64, _, _), locator = self.zip64
            return (record_size, disk64, cd_disk64, disk_count64) == (44, 0, 0, count64) and \
                locator[1:] == (0, self.end - 76, 1)
        return True

    def entry_layout_problem(self, entry, position):
        """Whether `entry` begins at `position` with a local header that repeats its central-directory record;
        returns (problem or None, where the entry's data ends)."""
        name = repr(entry.name)
        if any(byte >= 0x80 for byte in entry.raw_name):
            return f"entry {entry.number} of the ZIP has a name that is not plain ASCII", None
        if entry.flags & ~UTF8_NAME_FLAG:
            return (f"{name} carries ZIP flags an evidence package does not use (encryption, a data descriptor or "
                    f"others)"), None
        if entry.method not in (0, 8):
            return f"{name} is neither stored nor deflated (compression method {entry.method})", None
        sizes, offset32, local_extra, central_extra = fields_as_written(entry.usize, entry.csize, entry.offset)
        plain_file = (entry.attributes >> 16) & 0o170000 in (0, 0o100000) and not entry.attributes & 0x10
        if (entry.csize32, entry.usize32) != sizes or entry.offset32 != offset32 or entry.extra != central_extra or \
                entry.comment_length != 0 or entry.disk != 0 or not plain_file:
            return (f"{name} has fields ChatLedger's writer does not write (ZIP64 fields, an extra field, a "
                    f"comment, a disk number, or a file type other than a plain file)"), None
        start = entry.offset + self.shift
        if start != position:
            if entry.number == 1:
                return f"the ZIP does not begin with its first entry {name}: other data comes before it", None
            return (f"{name} does not begin where the previous entry ends: the ZIP holds hidden or overlapping data "
                    f"there"), None
        header = self.at(start, 30)
        if len(header) < 30 or header[:4] != LOCAL_HEADER:
            return f"there is no local header where the central directory places {name}", None
        (_, _, flags, method, _, _, crc, csize32, usize32, name_length,
         extra_length) = struct.unpack("<4sHHHHHIIIHH", header)
        if self.at(start + 30, name_length) != entry.raw_name:
            return f"the local header of {name} gives another name than the central directory", None
        if (flags, method, crc, (csize32, usize32)) != (entry.flags, entry.method, entry.crc, sizes) or \
                self.at(start + 30 + name_length, extra_length) != local_extra:
            return (f"the local header of {name} does not repeat the central directory's flags, compression method, "
                    f"CRC-32 and sizes"), None
        end = start + 30 + name_length + extra_length + entry.csize
        return None, end if end <= self.cd_start else None    # None: it runs into the central directory

    def chunks(self, entry):
        """Yields the entry's bytes, inflated, and checks them against the central directory (EntryProblem if not)."""
        if entry.flags & 1 or entry.method not in (0, 8):
            raise EntryProblem("it is encrypted, or compressed with a method other than deflate")
        start = entry.offset + self.shift
        header = self.at(start, 30)
        if len(header) < 30 or header[:4] != LOCAL_HEADER:
            raise EntryProblem("the central directory points to no local header")
        name_length, extra_length = struct.unpack_from("<HH", header, 26)
        position = start + 30 + name_length + extra_length
        left = entry.csize
        if position + left > self.size:
            raise EntryProblem("its data runs past the end of the file")
        inflater = zlib.decompressobj(-15) if entry.method == 8 else None
        produced, crc = 0, 0
        def output(data):
            nonlocal produced, crc
            produced += len(data)
            if produced > entry.usize:
                raise EntryProblem("it does not have the size the central directory records")
            crc = zlib.crc32(data, crc)
            return data
        try:
            while left:
                piece = self.at(position, min(CHUNK, left))
                if not piece:                # the file got shorter while it was read
                    raise EntryProblem("its data runs past the end of the file")
                position, left = position + len(piece), left - len(piece)
                if inflater is None:
                    yield output(piece)
                    continue
                if inflater.eof:             # the deflate stream ended before the entry's compressed bytes did
                    raise EntryProblem("its compressed data is damaged")
                data = inflater.decompress(piece, CHUNK)
                while True:
                    yield output(data)
                    if len(data) < CHUNK:    # zlib stopped short of the limit: nothing of this piece is pending
                        break
                    data = inflater.decompress(inflater.unconsumed_tail, CHUNK)
                if inflater.unused_data:
                    raise EntryProblem("its compressed data is damaged")
            if inflater is not None and not inflater.eof:
                raise EntryProblem("its compressed data is damaged")
        except zlib.error:
            raise EntryProblem("its compressed data is damaged") from None
        if produced != entry.usize:
            raise EntryProblem("it does not have the size the central directory records")
        if crc != entry.crc:
            raise EntryProblem("its CRC-32 is not the one the central directory records")

class MessageElements(HTMLParser):
    """Collects, from index.html, every element whose class list includes "message", with its data- attributes."""

    def __init__(self):
        super().__init__(convert_charrefs=True)   # attribute values come back with &amp; etc. decoded
        self.found = []      # (line, data-leaf, data-msgid, data-hash)
        self.problem = None

    def parse_comment(self, i, report=True):
        """A comment runs from "<!--" to the next "-->".  Python versions differ on other endings ("-- >", "--!>");
        this one rule gives the same verdict on every version, and the Swift verifier's."""
        end = self.rawdata.find("-->", i + 4)
        return -1 if end < 0 else end + 3

    def handle_starttag(self, tag, attrs):
        values, line = dict(attrs), self.getpos()[0]
        if "message" in re.split(r"[ \t\n\f\r]+", values.get("class") or ""):
            if len(attrs) != len(values) and not self.problem:
                self.problem = f"index.html line {line}: a message element repeats an attribute"
            self.found.append((line, values.get("data-leaf"), values.get("data-msgid"), values.get("data-hash")))

# ---- The package and its seven checks ------------------------------------------------------------------------

class Package:
    def __init__(self, package_zip, given_key):
        self.zip, self.given_key = package_zip, given_key
        self.key = given_key
        self.verdict = {"ok": False, "failure": None, "messages": None, "media": None, "tree_size": None,
                        "root": None, "checkpoint_time_ms": None,
                        "key_id": key_id(given_key) if given_key else None,
                        "key_source": "given" if given_key else "package"}

    def read(self, name):
        entry = self.zip.entry(name)
        if entry is None:
            fail(f"{name} is missing from the package")
        if kept_in_memory(name) and entry.usize > KEPT_LIMIT:
            fail(f"{name} cannot be read from the ZIP (larger than 64 MiB)")
        try:
            return b"".join(self.zip.chunks(entry))
        except EntryProblem as problem:
            fail(f"{name} cannot be read from the ZIP ({problem})")

    def check_1_key(self):
        """The key: --public-key when given (it must be the package's key), else the one inside the package."""
        self.checkpoint = load_json(self.read("checkpoint.json"), "checkpoint.json")
        package_key = load_key(get(self.checkpoint, str, "public_key_pem", "checkpoint.json").encode(),
                               "checkpoint.json public_key_pem")
        if self.given_key and key_bytes(self.given_key) != key_bytes(package_key):
            fail(f"checkpoint.json carries key {key_id(package_key)}, not the given key {key_id(self.given_key)}")
        if self.checkpoint.get("key_id") != key_id(package_key):
            fail("checkpoint.json: key_id does not belong to public_key_pem")
        self.key = self.given_key or package_key
        self.verdict["key_id"] = key_id(self.key)

    def check_2_manifest_signature(self):
        """manifest.sig is the key holder's Ed25519 signature over the exact bytes of manifest.json."""
        manifest_bytes, sig = self.read("manifest.json"), self.read("manifest.sig")
        sig = sig[:-1] if sig.endswith(b"\n") else sig
        if not signed(self.key, from_base64(sig, "manifest.sig"), manifest_bytes):
            fail("manifest.sig is not this key's signature over manifest.json: manifest.json was changed "
                 "after signing, or was signed by another key")
        self.manifest = load_json(manifest_bytes, "manifest.json")
        if self.manifest.get("format") != FORMAT:
            fail(f"manifest.json: format is not {FORMAT}")

    def check_3_files(self):
        """The ZIP, laid out as ChatLedger writes it, holds exactly the files manifest.json lists (plus the manifest
        and its signature), unchanged."""
        problem = self.zip.layout_problem()
        if problem:
            fail(problem)
        names = set()
        for entry in self.zip.entries:
            name = entry.name
            if name in names:
                fail(f"the ZIP holds two entries named {name}")
            if not name or ".." in name or name.startswith("/") or "\\" in name or "\0" in name:
                fail(f"the ZIP entry name {name!r} is unsafe (empty, '..', leading '/' or backslash)")
            names.add(name)
        listed = {}
        files = self.manifest.get("files")
        if not isinstance(files, list):
            fail("manifest.json: \"files\" is not a list")
        for i, entry in enumerate(files):
            if not isinstance(entry, dict):
                fail(f"manifest.json: files[{i}] is not an object")
            path = get(entry, str, "path", f"manifest.json files[{i}]")
            if path in listed or path in ("manifest.json", "manifest.sig"):
                fail(f"manifest.json lists {path} twice, or lists the manifest itself")
            listed[path] = (from_hex(entry.get("sha256"), f"manifest.json sha256 of {path}"),
                            get(entry, int, "size", f"manifest.json files[{i}]"))
        expected = set(listed) | {"manifest.json", "manifest.sig"}
        for name in sorted(names - expected):
            fail(f"{name} is in the ZIP but not listed in manifest.json")
        for name in sorted(expected - names):
            fail(f"{name} is listed in manifest.json but missing from the ZIP")
        for name in sorted(names):
            if not ALLOWED_NAME.fullmatch(name):
                fail(f"{name} is not a file an evidence package v1 contains")
        self.digests = {}                    # path -> (SHA-256, size) as actually read, reused in check 6
        for path in sorted(listed):
            entry, (sha, size) = self.zip.entry(path), listed[path]
            if entry.usize != size:          # reading the entry checks that it has the size its record gives
                fail(f"{path} has {entry.usize} bytes, manifest.json says {size}: it was changed")
            if kept_in_memory(path) and size > KEPT_LIMIT:
                fail(f"{path} cannot be read from the ZIP (larger than 64 MiB)")
            digest = hashlib.sha256()
            try:
                for chunk in self.zip.chunks(entry):
                    digest.update(chunk)
            except EntryProblem as problem:
                fail(f"{path} cannot be read from the ZIP ({problem})")
            if digest.digest() != sha:
                fail(f"{path} does not have the SHA-256 that manifest.json lists: it was changed")
            self.digests[path] = (digest.digest(), size)

    def signed_checkpoint(self, cp, origin, where):
        """Rebuilds a checkpoint's note from its fields, compares it with the stored note, checks the signature."""
        if not isinstance(cp, dict):
            fail(f"{where} is missing")
        size, time_ms = get(cp, int, "tree_size", where), get(cp, int, "time_ms", where)
        root = from_hex(cp.get("root"), f"{where} root")
        note = f"{origin}\n{size}\n{base64.b64encode(root).decode()}\n{time_ms}\n"
        if cp.get("note") != note:
            fail(f"{where}: note is not the note rebuilt from origin, tree_size, root and time_ms")
        if not signed(self.key, from_base64(get(cp, str, "signature", where), f"{where} signature"), note.encode()):
            fail(f"{where}: the signature over the note is not valid for this key")
        return size, root, time_ms

    def check_4_checkpoints(self):
        """Both signed checkpoints are genuine, and the newest log at export begins with the package's log."""
        cp = self.checkpoint
        origin = get(cp, str, "origin", "checkpoint.json")
        self.size, self.root, self.time_ms = self.signed_checkpoint(cp, origin, "checkpoint.json")
        self.latest = self.signed_checkpoint(cp.get("latest"), origin, "checkpoint.json latest")
        if self.latest[0] < self.size:
            fail(f"checkpoint.json: the latest checkpoint ({self.latest[0]} leaves) is smaller than the "
                 f"package checkpoint ({self.size} leaves)")
        proof = hash_list(cp, "consistency_proof", "checkpoint.json")
        if not verify_consistency(self.size, self.latest[0], self.root, self.latest[1], proof):
            fail(f"checkpoint.json: the consistency proof does not show that the latest log ({self.latest[0]} "
                 f"leaves) begins with the package's log ({self.size} leaves): the log may have been rewritten")
        if origin != self.manifest.get("origin"):
            fail("checkpoint.json and manifest.json name different origins (archives)")
        token = cp.get("timestamp_token")
        self.has_token = token is not None and len(from_base64(token, "checkpoint.json timestamp_token")) > 0
        self.verdict.update(tree_size=self.size, root=self.root.hex(), checkpoint_time_ms=self.time_ms)

    def check_5_inclusion(self):
        """Every proofs/N.json leads from its leaf, at position N, to the signed root."""
        self.leaves = {}
        for name in sorted(self.digests):
            match = re.fullmatch(r"proofs/" + INDEX + r"\.json", name)
            if not match:
                continue
            n, proof = int(match.group(1)), load_json(self.read(name), name)
            if get(proof, int, "leaf_index", name) != n:
                fail(f"{name}: leaf_index is not {n}")
            if get(proof, int, "tree_size", name) != self.size:
                fail(f"{name}: tree_size is not the checkpoint's {self.size}")
            if n >= self.size:
                fail(f"{name}: leaf {n} is beyond the checkpoint's {self.size} leaves")
            leaf = from_base64(get(proof, str, "leaf", name), f"{name} leaf")
            path = hash_list(proof, "inclusion_proof", name)
            if not verify_inclusion(leaf_hash(leaf), n, self.size, path, self.root):
                fail(f"{name}: the inclusion proof of leaf {n} does not lead to the signed root")
            self.leaves[n] = leaf

    def check_6_leaves(self):
        """Each leaf's content is in the package byte for byte, and every message/attachment file has a leaf."""
        self.msgids, covered_media, media_count = {}, set(), 0
        for n, leaf in sorted(self.leaves.items()):
            decoded = decode_leaf(leaf, f"proofs/{n}.json")
            if decoded[0] == "message":
                name = f"messages/{n}.json"
                if name not in self.digests:
                    fail(f"leaf {n} is a message but {name} is missing")
                if self.read(name) != decoded[3]:
                    fail(f"{name} is not byte for byte the message JSON in leaf {n}")
                self.msgids[n] = decoded[2]
            else:
                name, media_count = "media/" + decoded[3].hex(), media_count + 1
                if name not in self.digests:
                    fail(f"leaf {n} is an attachment but {name} is missing")
                if self.digests[name] != (decoded[3], decoded[4]):
                    fail(f"{name} does not have the SHA-256 and size recorded in leaf {n}")
                covered_media.add(name)
        for name in sorted(self.digests):
            match = re.fullmatch(r"messages/" + INDEX + r"\.json", name)
            if (match and int(match.group(1)) not in self.msgids) or \
                    (name.startswith("media/") and name not in covered_media):
                fail(f"{name} is not covered by a proof (no leaf of the log vouches for it)")
        if self.manifest.get("messages") != len(self.msgids) or self.manifest.get("media") != media_count:
            fail(f"manifest.json counts {self.manifest.get('messages')} messages and {self.manifest.get('media')} "
                 f"attachments, the proofs hold {len(self.msgids)} and {media_count}")
        self.verdict.update(messages=len(self.msgids), media=media_count)

    def check_7_transcript(self):
        """index.html shows each message exactly once, tagged with its leaf, msgid and leaf hash."""
        try:
            page = self.read("index.html").decode("utf-8")
        except UnicodeDecodeError:
            fail("index.html is not UTF-8 text")
        parser = MessageElements()
        parser.feed(page)                    # no close(): a tag or comment left open at the end is dropped
        if parser.problem:
            fail(parser.problem)
        counts = Counter(leaf for _, leaf, _, _ in parser.found)
        for line, leaf, msgid, hash_hex in parser.found:
            n = int(leaf) if leaf and re.fullmatch(INDEX, leaf) else None
            if n not in self.msgids:
                fail(f"index.html line {line}: data-leaf {leaf!r} is not a message leaf of this package")
            if counts[leaf] > 1:
                fail(f"index.html shows leaf {n} {counts[leaf]} times")
            if msgid != self.msgids[n]:
                fail(f"index.html line {line}: data-msgid of leaf {n} is {msgid!r}, the leaf says {self.msgids[n]!r}")
            if (hash_hex or "").lower() != leaf_hash(self.leaves[n]).hex():
                fail(f"index.html line {line}: data-hash of leaf {n} is not the leaf's hash")
        for n in sorted(set(self.msgids) - {int(leaf) for leaf in counts}):
            fail(f"index.html does not show message leaf {n}")

    def run(self):
        """Runs the checks in order, stopping at the first failure; returns how many passed."""
        checks = [self.check_1_key, self.check_2_manifest_signature, self.check_3_files, self.check_4_checkpoints,
                  self.check_5_inclusion, self.check_6_leaves, self.check_7_transcript]
        for step, check in enumerate(checks, 1):
            try:
                check()
            except Failed as failure:
                self.verdict["failure"] = f"check {step} ({STEPS[step - 1]}): {failure}"
                return step - 1
        self.verdict["ok"] = True
        return len(checks)

def main(argv=None):
    parser = argparse.ArgumentParser(description="Verify a ChatLedger evidence package offline.")
    parser.add_argument("package", help="the evidence package (.zip)")
    parser.add_argument("--public-key", help="the archive's public key (PEM), obtained from the organisation")
    parser.add_argument("--json", action="store_true", help="print the verdict as JSON")
    args = parser.parse_args(argv)                       # a usage error exits with status 2
    if hasattr(sys.stdout, "reconfigure"):               # a console that cannot show a character shows "?"
        sys.stdout.reconfigure(errors="replace")
    try:
        given_key = None
        if args.public_key:
            with open(args.public_key, "rb") as file:
                given_key = load_key(file.read(), args.public_key)
        package_zip = PackageZip(args.package)
    except (OSError, ValueError, Unreadable, Failed) as error:
        print(f"verify.py: cannot use {args.public_key if isinstance(error, Failed) else args.package}: {error}",
              file=sys.stderr)
        return 2
    try:
        package = Package(package_zip, given_key)
        passed = package.run()
    finally:
        package_zip.close()
    verdict = package.verdict
    if args.json:
        print(json.dumps(verdict))
        return 0 if verdict["ok"] else 1
    print(("VERIFIED  " if verdict["ok"] else "NOT VERIFIED  ") + args.package)
    for step, name in enumerate(STEPS, 1):
        if step <= passed:
            print(f"  {step}. {name}: ok")
    if not verdict["ok"]:
        print(f"  FAILED {verdict['failure']}")
        return 1
    print(f"\n{verdict['messages']} messages and {verdict['media']} attachments, byte for byte as in this package, "
          f"were in the append-only log \"{package.manifest.get('origin')}\" when it held {package.size} records "
          f"(root {verdict['root']}), signed at {utc(package.time_ms)}. The log's newest checkpoint at export "
          f"({package.latest[0]} records, {utc(package.latest[2])}) still begins with those records. "
          f"The manifest was signed by key {verdict['key_id']}.")
    print("Time: an RFC 3161 time-stamp token is included; check it with `openssl ts -verify` (README.txt)."
          if package.has_token else "Time: no time-stamp token; the checkpoint time is the operator's own claim.")
    if not given_key:
        print("WARNING: the key was taken from the package itself, so this proves only that the package is "
              "self-consistent. Who issued it is proven only with --public-key and a key obtained independently "
              "from the organisation.")
    return 0

if __name__ == "__main__":
    sys.exit(main())
