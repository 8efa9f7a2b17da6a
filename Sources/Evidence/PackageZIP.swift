import Foundation
#if canImport(zlib)
import zlib
#elseif canImport(CZlib)
import CZlib  // ZIPFoundation's zlib module on Linux
#endif

/// A package's ZIP, read by hand exactly as `verify.py`'s `PackageZip` reads it, so both verifiers see the same
/// entries and give the same sentences (ZIPFoundation's reader takes offsets as written where `verify.py` would
/// correct them, and does not compare local headers with the central directory).
///
/// Reading follows the central directory: the end record is the last `PK\5\6` within a comment's reach of the end;
/// the central directory ends where the end records begin, and every entry moves by the distance between where it
/// starts and where the end record says it starts (bytes put in front of the ZIP, as Python's `zipfile` reckons).
/// Check 3 then accepts only the layout ChatLedger's writer (ZIPFoundation 0.9.20) produces (``layoutProblem()``):
/// entries back to back from byte 0 without data descriptors, each local header repeating its central-directory
/// record (name, flags, method, CRC-32, sizes; ZIP64 fields only where a value needs 64 bits), the central directory
/// right after the last entry, and the end record, after ZIP64 records only where needed, as the last 22 bytes with
/// no comment. Any other layout can show a reader that walks the local headers (a streaming unzipper) other files
/// than a reader that uses the central directory.
final class PackageZIP {
    /// The file is not a ZIP that can be read at all (the CLI's exit status 2).
    struct Unreadable: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }

    /// One central-directory record.
    struct Entry {
        /// Position in the central directory, from 1.
        var number: Int
        /// The name as UTF-8 (a name that is not is refused by check 3, which finds it by ``rawName``).
        var name: String
        var rawName: [UInt8]
        var flags: UInt16
        var method: UInt16
        var crc32: UInt32
        /// From the ZIP64 extra field when the 32-bit field holds 0xFFFFFFFF.
        var compressedSize: UInt64
        var uncompressedSize: UInt64
        var offset: UInt64
        /// The fields as stored, for the layout check.
        var compressedSize32: UInt32
        var uncompressedSize32: UInt32
        var offset32: UInt32
        var extra: [UInt8]
        var commentLength: UInt16
        var disk: UInt16
        /// The external attributes: the Unix file type and permissions in the upper 16 bits, MS-DOS attributes below.
        var attributes: UInt32
    }

    /// The end record's fields as stored.
    private struct EndRecord {
        var disk: UInt16
        var centralDirectoryDisk: UInt16
        var diskCount: UInt16
        var count: UInt16
        var centralDirectorySize: UInt32
        var centralDirectoryOffset: UInt32
        var commentLength: UInt16
    }

    /// The ZIP64 end record and locator, when the ZIP has them.
    private struct ZIP64Records {
        var recordSize: UInt64
        var disk: UInt32
        var centralDirectoryDisk: UInt32
        var diskCount: UInt64
        var count: UInt64
        var locatorDisk: UInt32
        var locatorOffset: UInt64
        var disks: UInt32
    }

    /// Entries in central-directory order.
    let entries: [Entry]
    private let byName: [String: Int]
    private let handle: FileHandle
    private let size: UInt64
    /// Where the end record starts.
    private let end: UInt64
    private let endRecord: EndRecord
    private let zip64: ZIP64Records?
    /// The entry count, central-directory size and offset (the ZIP64 values when there are ZIP64 records).
    private let count: UInt64
    private let centralDirectorySize: UInt64
    private let centralDirectoryOffset: UInt64
    /// Where the central directory actually starts.
    private let centralDirectoryStart: UInt64

    /// Largest value of a 16- and a 32-bit field: "see the ZIP64 record".
    private static let max16: UInt64 = 0xFFFF
    private static let max32: UInt64 = 0xFFFF_FFFF
    /// The only flag ChatLedger's writer sets: names are UTF-8.
    private static let utf8NameFlag: UInt16 = 0x0800
    private static let centralDirectoryLimit: UInt64 = 256 << 20
    private static let chunk = 1 << 16
    private static let localHeader: [UInt8] = [0x50, 0x4B, 0x03, 0x04]
    private static let centralHeader: [UInt8] = [0x50, 0x4B, 0x01, 0x02]
    private static let endSignature: [UInt8] = [0x50, 0x4B, 0x05, 0x06]
    private static let zip64EndSignature: [UInt8] = [0x50, 0x4B, 0x06, 0x06]
    private static let zip64LocatorSignature: [UInt8] = [0x50, 0x4B, 0x06, 0x07]

    /// Reads the central directory.
    /// - Throws: ``Unreadable`` when the file is not a ZIP that can be read at all; any error opening the file.
    init(url: URL) throws {
        handle = try FileHandle(forReadingFrom: url)  // closes its file when released, also when this throws
        size = try handle.seekToEnd()
        guard size >= 22 else { throw Unreadable("it is too short to be a ZIP file") }
        let tailStart = size >= 22 + Self.max16 ? size - 22 - Self.max16 : 0
        let tail = Self.bytes(handle, size, at: tailStart, count: Int(size - tailStart))
        // The end record: the last "PK\5\6" that leaves room for its 22 bytes.
        var found: Int?
        var candidate = tail.count - 22
        while candidate >= 0 {
            if tail[candidate..<(candidate + 4)].elementsEqual(Self.endSignature) {
                found = candidate
                break
            }
            candidate -= 1
        }
        guard let found else { throw Unreadable("it is not a ZIP file: there is no end-of-central-directory record") }
        end = tailStart + UInt64(found)
        endRecord = EndRecord(disk: Self.u16(tail, found + 4), centralDirectoryDisk: Self.u16(tail, found + 6),
                              diskCount: Self.u16(tail, found + 8), count: Self.u16(tail, found + 10),
                              centralDirectorySize: Self.u32(tail, found + 12),
                              centralDirectoryOffset: Self.u32(tail, found + 16), commentLength: Self.u16(tail, found + 20))
        var count = UInt64(endRecord.count)
        var directorySize = UInt64(endRecord.centralDirectorySize)
        var directoryOffset = UInt64(endRecord.centralDirectoryOffset)
        var directoryEnd = end
        if end >= 20, Self.bytes(handle, size, at: end - 20, count: 4) == Self.zip64LocatorSignature {
            let locator = Self.bytes(handle, size, at: end - 20, count: 20)
            let record = end >= 76 ? Self.bytes(handle, size, at: end - 76, count: 56) : []
            guard record.count == 56, record.starts(with: Self.zip64EndSignature) else {
                throw Unreadable("its ZIP64 end-of-central-directory record is missing")
            }
            zip64 = ZIP64Records(recordSize: Self.u64(record, 4), disk: Self.u32(record, 16),
                                 centralDirectoryDisk: Self.u32(record, 20), diskCount: Self.u64(record, 24),
                                 count: Self.u64(record, 32), locatorDisk: Self.u32(locator, 4),
                                 locatorOffset: Self.u64(locator, 8), disks: Self.u32(locator, 16))
            count = Self.u64(record, 32)
            directorySize = Self.u64(record, 40)
            directoryOffset = Self.u64(record, 48)
            directoryEnd = end - 76
        } else {
            zip64 = nil
        }
        self.count = count
        centralDirectorySize = directorySize
        centralDirectoryOffset = directoryOffset
        guard directorySize <= directoryEnd else { throw Unreadable("its central directory does not fit in the file") }
        centralDirectoryStart = directoryEnd - directorySize
        guard directorySize <= Self.centralDirectoryLimit else { throw Unreadable("its central directory is larger than 256 MiB") }

        let directory = Self.bytes(handle, size, at: centralDirectoryStart, count: Int(directorySize))
        var entries: [Entry] = []
        var byName: [String: Int] = [:]
        var at = 0
        while at < directory.count {
            guard at + 46 <= directory.count, directory[at..<(at + 4)].elementsEqual(Self.centralHeader) else {
                throw Unreadable("its central directory is damaged")
            }
            let nameEnd = at + 46 + Int(Self.u16(directory, at + 28))
            let extraEnd = nameEnd + Int(Self.u16(directory, at + 30))
            let commentLength = Self.u16(directory, at + 32)
            guard extraEnd + Int(commentLength) <= directory.count else { throw Unreadable("its central directory is damaged") }
            let rawName = Array(directory[(at + 46)..<nameEnd])
            var entry = Entry(
                number: entries.count + 1, name: String(decoding: rawName, as: UTF8.self), rawName: rawName,
                flags: Self.u16(directory, at + 8), method: Self.u16(directory, at + 10), crc32: Self.u32(directory, at + 16),
                compressedSize: UInt64(Self.u32(directory, at + 20)), uncompressedSize: UInt64(Self.u32(directory, at + 24)),
                offset: UInt64(Self.u32(directory, at + 42)), compressedSize32: Self.u32(directory, at + 20),
                uncompressedSize32: Self.u32(directory, at + 24), offset32: Self.u32(directory, at + 42),
                extra: Array(directory[nameEnd..<extraEnd]), commentLength: commentLength, disk: Self.u16(directory, at + 34),
                attributes: Self.u32(directory, at + 38))
            // The real values of fields holding 0xFFFFFFFF are in the ZIP64 extra field, in this order.
            let wide = [entry.uncompressedSize32, entry.compressedSize32, entry.offset32].filter { UInt64($0) == Self.max32 }.count
            if wide > 0 {
                guard let values = Self.zip64Values(entry.extra), values.count >= wide else {
                    throw Unreadable("its central directory is damaged")
                }
                var next = values.makeIterator()
                if UInt64(entry.uncompressedSize32) == Self.max32, let value = next.next() { entry.uncompressedSize = value }
                if UInt64(entry.compressedSize32) == Self.max32, let value = next.next() { entry.compressedSize = value }
                if UInt64(entry.offset32) == Self.max32, let value = next.next() { entry.offset = value }
            }
            byName[entry.name] = entries.count  // when a name repeats, the last entry counts (check 3 refuses it)
            entries.append(entry)
            at = extraEnd + Int(commentLength)
        }
        guard UInt64(entries.count) == count else { throw Unreadable("its central directory is damaged") }
        self.entries = entries
        self.byName = byName
    }

    deinit { try? handle.close() }

    /// The last entry with this name.
    func entry(named name: String) -> Entry? { byName[name].map { entries[$0] } }

    // MARK: - The layout (check 3)

    /// `nil` when the ZIP is laid out exactly as ChatLedger's writer lays it out, else `verify.py`'s sentence.
    func layoutProblem() -> String? {
        if end != size - 22 || endRecord.commentLength != 0 {
            return "the ZIP does not end with its end-of-central-directory record: a comment or other data follows it"
        }
        if !endRecordsAsWritten() {
            return "the ZIP's end-of-central-directory record is not as ChatLedger writes it (disk numbers, entry counts or ZIP64 records)"
        }
        var position: UInt64? = 0  // where the next entry must begin: right after the previous one
        for entry in entries {
            if let problem = layoutProblem(of: entry, position: &position) { return problem }
        }
        if position != centralDirectoryStart {
            return "the central directory does not begin where the last entry ends: the ZIP holds hidden or overlapping data there"
        }
        if centralDirectoryStart != centralDirectoryOffset {
            return "the end-of-central-directory record gives a wrong offset for the central directory"
        }
        return nil
    }

    private func endRecordsAsWritten() -> Bool {
        let needsZIP64 = count >= Self.max16 || centralDirectorySize >= Self.max32 || centralDirectoryOffset >= Self.max32
        guard endRecord.disk == 0, endRecord.centralDirectoryDisk == 0, endRecord.diskCount == endRecord.count,
              needsZIP64 == (zip64 != nil), UInt64(endRecord.count) == min(count, Self.max16),
              UInt64(endRecord.centralDirectorySize) == min(centralDirectorySize, Self.max32),
              UInt64(endRecord.centralDirectoryOffset) == min(centralDirectoryOffset, Self.max32) else { return false }
        if let zip64 {
            return zip64.recordSize == 44 && zip64.disk == 0 && zip64.centralDirectoryDisk == 0 && zip64.diskCount == zip64.count
                && zip64.locatorDisk == 0 && zip64.locatorOffset == end - 76 && zip64.disks == 1
        }
        return true
    }

    /// Whether `entry` begins at `position` with a local header that repeats its central-directory record; moves
    /// `position` to where the entry's data ends (`nil` when that runs into the central directory).
    private func layoutProblem(of entry: Entry, position: inout UInt64?) -> String? {
        let name = StrictValues.repr(entry.name)
        if entry.rawName.contains(where: { $0 >= 0x80 }) {
            return "entry \(entry.number) of the ZIP has a name that is not plain ASCII"
        }
        if entry.flags & ~Self.utf8NameFlag != 0 {
            return "\(name) carries ZIP flags an evidence package does not use (encryption, a data descriptor or others)"
        }
        if entry.method != 0 && entry.method != 8 {
            return "\(name) is neither stored nor deflated (compression method \(entry.method))"
        }
        let written = Self.fieldsAsWritten(uncompressed: entry.uncompressedSize, compressed: entry.compressedSize, offset: entry.offset)
        let fileType = (entry.attributes >> 16) & 0o170000
        let plainFile = (fileType == 0 || fileType == 0o100000) && entry.attributes & 0x10 == 0
        guard entry.compressedSize32 == written.compressed32, entry.uncompressedSize32 == written.uncompressed32,
              entry.offset32 == written.offset32, entry.extra == written.centralExtra, entry.commentLength == 0,
              entry.disk == 0, plainFile else {
            return "\(name) has fields ChatLedger's writer does not write (ZIP64 fields, an extra field, a comment, a disk number, or a file type other than a plain file)"
        }
        guard let start = shifted(entry.offset), start == position else {
            if entry.number == 1 { return "the ZIP does not begin with its first entry \(name): other data comes before it" }
            return "\(name) does not begin where the previous entry ends: the ZIP holds hidden or overlapping data there"
        }
        let header = bytes(at: start, count: 30)
        guard header.count == 30, header.starts(with: Self.localHeader) else {
            return "there is no local header where the central directory places \(name)"
        }
        let nameLength = UInt64(Self.u16(header, 26))
        let extraLength = UInt64(Self.u16(header, 28))
        guard bytes(at: start + 30, count: Int(nameLength)) == entry.rawName else {
            return "the local header of \(name) gives another name than the central directory"
        }
        guard Self.u16(header, 6) == entry.flags, Self.u16(header, 8) == entry.method, Self.u32(header, 14) == entry.crc32,
              Self.u32(header, 18) == written.compressed32, Self.u32(header, 22) == written.uncompressed32,
              bytes(at: start + 30 + nameLength, count: Int(extraLength)) == written.localExtra else {
            return "the local header of \(name) does not repeat the central directory's flags, compression method, CRC-32 and sizes"
        }
        let (dataEnd, overflow) = (start + 30 + nameLength + extraLength).addingReportingOverflow(entry.compressedSize)
        position = !overflow && dataEnd <= centralDirectoryStart ? dataEnd : nil
        return nil
    }

    /// The size and offset fields ChatLedger's writer puts in an entry's local header and central-directory record:
    /// a value that does not fit in 32 bits is written as 0xFFFFFFFF and given in a ZIP64 extra field (`verify.py`'s
    /// `fields_as_written`).
    private static func fieldsAsWritten(uncompressed: UInt64, compressed: UInt64, offset: UInt64)
        -> (compressed32: UInt32, uncompressed32: UInt32, offset32: UInt32, localExtra: [UInt8], centralExtra: [UInt8]) {
        let big = uncompressed >= max32 || compressed >= max32
        var localExtra: [UInt8] = []
        if big { localExtra = le(1, 2) + le(16, 2) + le(uncompressed, 8) + le(compressed, 8) }
        let values = (big ? [uncompressed, compressed] : []) + (offset >= max32 ? [offset] : [])
        var centralExtra: [UInt8] = []
        if !values.isEmpty { centralExtra = le(1, 2) + le(UInt64(8 * values.count), 2) + values.flatMap { le($0, 8) } }
        return (big ? UInt32.max : UInt32(compressed), big ? UInt32.max : UInt32(uncompressed),
                UInt32(min(offset, max32)), localExtra, centralExtra)
    }

    // MARK: - Reading an entry

    /// Inflates `entry`, handing its bytes to `consume` chunk by chunk, and checks them against the central directory.
    /// - Returns: `nil`, or why the entry cannot be read (`verify.py`'s `EntryProblem` text).
    func read(_ entry: Entry, _ consume: ([UInt8]) -> Void) -> String? {
        let damaged = "its compressed data is damaged"
        let wrongSize = "it does not have the size the central directory records"
        guard entry.flags & 1 == 0, entry.method == 0 || entry.method == 8 else {
            return "it is encrypted, or compressed with a method other than deflate"
        }
        guard let start = shifted(entry.offset), case let header = bytes(at: start, count: 30), header.count == 30,
              header.starts(with: Self.localHeader) else {
            return "the central directory points to no local header"
        }
        var position = start + 30 + UInt64(Self.u16(header, 26)) + UInt64(Self.u16(header, 28))
        var left = entry.compressedSize
        guard position <= size, left <= size - position else { return "its data runs past the end of the file" }
        var produced: UInt64 = 0
        var checksum = crc32(0, nil, 0)
        /// Hands on a chunk of output unless it makes the entry larger than recorded.
        func output(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
            produced += UInt64(bytes.count)
            guard produced <= entry.uncompressedSize else { return false }
            checksum = crc32(checksum, bytes.baseAddress, uInt(bytes.count))
            consume(Array(bytes))
            return true
        }
        let inflating = entry.method == 8
        var stream = z_stream()
        if inflating {
            guard inflateInit2_(&stream, -MAX_WBITS, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else { return damaged }
        }
        defer { if inflating { inflateEnd(&stream) } }
        var ended = false
        var out = [UInt8](repeating: 0, count: Self.chunk)
        while left > 0 {
            var piece = bytes(at: position, count: Int(min(UInt64(Self.chunk), left)))
            guard !piece.isEmpty else { return "its data runs past the end of the file" }  // the file got shorter
            position += UInt64(piece.count)
            left -= UInt64(piece.count)
            if !inflating {
                guard piece.withUnsafeBufferPointer(output) else { return wrongSize }
                continue
            }
            if ended { return damaged }  // the deflate stream ended before the entry's compressed bytes did
            let problem: String? = piece.withUnsafeMutableBufferPointer { input in
                stream.next_in = input.baseAddress
                stream.avail_in = uInt(input.count)
                while true {
                    let (status, count) = out.withUnsafeMutableBufferPointer { buffer in
                        stream.next_out = buffer.baseAddress
                        stream.avail_out = uInt(buffer.count)
                        let status = inflate(&stream, Z_NO_FLUSH)
                        return (status, buffer.count - Int(stream.avail_out))
                    }
                    if status == Z_STREAM_END {
                        ended = true
                    } else if status != Z_OK && status != Z_BUF_ERROR {
                        return damaged
                    }
                    guard out.withUnsafeBufferPointer({ output(UnsafeBufferPointer(rebasing: $0[0..<count])) }) else { return wrongSize }
                    // Short of the limit, zlib has handed out everything this piece gives.
                    if ended || count < Self.chunk { break }
                }
                return ended && stream.avail_in > 0 ? damaged : nil
            }
            if let problem { return problem }
        }
        if inflating && !ended { return damaged }
        guard produced == entry.uncompressedSize else { return wrongSize }
        guard UInt32(checksum) == entry.crc32 else { return "its CRC-32 is not the one the central directory records" }
        return nil
    }

    // MARK: - Bytes

    /// Where an entry's local header is once the central directory's shift is applied (`nil`: before the file).
    private func shifted(_ offset: UInt64) -> UInt64? {
        if centralDirectoryStart >= centralDirectoryOffset {
            let (value, overflow) = offset.addingReportingOverflow(centralDirectoryStart - centralDirectoryOffset)
            return overflow ? nil : value
        }
        let down = centralDirectoryOffset - centralDirectoryStart
        return offset >= down ? offset - down : nil
    }

    private func bytes(at position: UInt64, count: Int) -> [UInt8] { Self.bytes(handle, size, at: position, count: count) }

    /// Up to `count` bytes from `position` (fewer at the end of the file).
    private static func bytes(_ handle: FileHandle, _ size: UInt64, at position: UInt64, count: Int) -> [UInt8] {
        guard position < size, count > 0 else { return [] }
        var out: [UInt8] = []
        do {
            try handle.seek(toOffset: position)
            while out.count < count {
                guard let data = try handle.read(upToCount: count - out.count), !data.isEmpty else { break }
                out.append(contentsOf: data)
            }
        } catch {
            return out
        }
        return out
    }

    /// The 8-byte values of the first ZIP64 extra field (id 1) in an extra-field block.
    private static func zip64Values(_ extra: [UInt8]) -> [UInt64]? {
        var at = 0
        while at + 4 <= extra.count {
            let kind = u16(extra, at)
            let length = Int(u16(extra, at + 2))
            guard at + 4 + length <= extra.count else { return nil }
            if kind == 1 { return (0..<(length / 8)).map { u64(extra, at + 4 + 8 * $0) } }
            at += 4 + length
        }
        return nil
    }

    private static func u16(_ bytes: [UInt8], _ at: Int) -> UInt16 { UInt16(truncatingIfNeeded: number(bytes, at, 2)) }
    private static func u32(_ bytes: [UInt8], _ at: Int) -> UInt32 { UInt32(truncatingIfNeeded: number(bytes, at, 4)) }
    private static func u64(_ bytes: [UInt8], _ at: Int) -> UInt64 { number(bytes, at, 8) }

    /// A little-endian number.
    private static func number(_ bytes: [UInt8], _ at: Int, _ width: Int) -> UInt64 {
        (0..<width).reversed().reduce(0) { $0 << 8 | UInt64(bytes[at + $1]) }
    }

    /// `value` as `width` little-endian bytes.
    private static func le(_ value: UInt64, _ width: Int) -> [UInt8] {
        (0..<width).map { UInt8(truncatingIfNeeded: value >> (8 * UInt64($0))) }
    }
}
