import Foundation

/// Finds the message elements of `index.html` as the page streams by, without keeping the page.
///
/// It reads start tags as Python's `html.parser` does in `verify.py`: comments, declarations, processing
/// instructions and end tags are skipped; the content of `<style>` and `<script>` is raw text (a tag written inside
/// CSS is no element); quoted attribute values may hold `>`; tag and attribute names are case-insensitive; character
/// references in values are decoded; a repeated attribute keeps its last value (`dict(attrs)`), and an attribute
/// without a value has none. An element counts as a message when the whitespace-separated tokens of its `class`
/// include `message`. Lines are counted as Python counts them (from 1, by "\n"), so failures name the same line.
/// Only a construct cut by a chunk boundary is carried over, so memory stays small however long the page.
struct TranscriptScanner {
    /// One message element: its line and the attributes check 7 compares (decoded; `nil` when absent or valueless).
    struct MessageElement: Hashable, Sendable {
        var line: Int
        var leaf: String?
        var msgid: String?
        var hash: String?
    }

    /// Message elements in document order.
    private(set) var messages: [MessageElement] = []
    /// The line of the first message element that repeats an attribute.
    private(set) var repeatedAttributeLine: Int?
    /// Whether every byte so far was well-formed UTF-8 (Python reads the page as UTF-8 text first).
    var isUTF8: Bool { utf8.isValid }

    private var pending: [UInt8] = []
    /// The line at the start of `pending`.
    private var line = 1
    /// Inside `<style>` or `<script>`: the lowercase end tag that closes it (`</style`).
    private var rawTextEnd: [UInt8]?
    private var utf8 = UTF8Validator()

    /// Scans the next bytes of the page.
    mutating func feed(_ chunk: Data) {
        utf8.feed(chunk)
        pending.append(contentsOf: chunk)
        scan(final: false)
    }

    /// Scans what is left at the end of the page; an unterminated tag or comment is dropped, as a browser would.
    mutating func finish() {
        utf8.finish()
        scan(final: true)
        pending = []
    }

    private static let lessThan = UInt8(ascii: "<")
    private static let greaterThan = UInt8(ascii: ">")
    private static let commentOpen = Array("<!--".utf8)
    private static let commentClose = Array("-->".utf8)

    private mutating func scan(final: Bool) {
        var index = 0
        // Lines are counted once, up to `counted`, as the scan moves on.
        var counted = 0
        var countedLine = line
        // Everything before `index` is consumed (and its lines counted); `pending` keeps only an unfinished construct.
        defer {
            let consumed = min(index, pending.count)
            for position in min(counted, consumed)..<consumed where pending[position] == 0x0A { countedLine += 1 }
            line = countedLine
            pending.removeFirst(consumed)
        }
        while index < pending.count {
            if let end = rawTextEnd {
                guard let close = Self.find(end, in: pending, from: index, ignoringCase: true) else {
                    // Keep just enough to recognize an end tag split across chunks.
                    index = max(index, pending.count - (end.count - 1))
                    return
                }
                rawTextEnd = nil
                index = close
                continue
            }
            guard let open = pending[index...].firstIndex(of: Self.lessThan) else {
                index = pending.count
                return
            }
            index = open
            guard open + 1 < pending.count else { return }  // "<" at the end: wait for the next byte
            let next = pending[open + 1]
            if next == UInt8(ascii: "!") {
                if pending.count - open < Self.commentOpen.count && !final {
                    return  // "<!" or "<!-": cannot yet tell a comment from a declaration
                }
                if pending[open...].starts(with: Self.commentOpen) {
                    guard let close = Self.find(Self.commentClose, in: pending, from: open + Self.commentOpen.count) else {
                        if final { index = pending.count }
                        return
                    }
                    index = close + Self.commentClose.count
                } else {
                    guard let close = pending[(open + 1)...].firstIndex(of: Self.greaterThan) else {
                        if final { index = pending.count }
                        return
                    }
                    index = close + 1
                }
            } else if next == UInt8(ascii: "/") || next == UInt8(ascii: "?") {
                guard let close = pending[(open + 1)...].firstIndex(of: Self.greaterThan) else {
                    if final { index = pending.count }
                    return
                }
                index = close + 1
            } else if Self.isLetter(next) {
                guard let close = Self.tagEnd(in: pending, from: open + 1) else {
                    if final { index = pending.count }
                    return
                }
                for position in counted..<open where pending[position] == 0x0A { countedLine += 1 }
                counted = open
                startTag(pending[(open + 1)..<close], line: countedLine)
                index = close + 1
            } else {
                index = open + 1  // a literal "<" in text
            }
        }
    }

    /// The `>` that ends a start tag, skipping quoted attribute values.
    private static func tagEnd(in bytes: [UInt8], from start: Int) -> Int? {
        var quote: UInt8?
        var index = start
        while index < bytes.count {
            let byte = bytes[index]
            if let open = quote {
                if byte == open { quote = nil }
            } else if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'") {
                // A quote opens a value only right after "=" (with optional spaces), as in an attribute.
                var back = index - 1
                while back > start && isSpace(bytes[back]) { back -= 1 }
                if back >= start && bytes[back] == UInt8(ascii: "=") { quote = byte }
            } else if byte == greaterThan {
                return index
            }
            index += 1
        }
        return nil
    }

    /// Reads one start tag (the bytes between `<` and `>`) and records it when it is a message element.
    private mutating func startTag(_ tag: ArraySlice<UInt8>, line: Int) {
        var index = tag.startIndex
        let nameStart = index
        while index < tag.endIndex && !Self.isSpace(tag[index]) && tag[index] != UInt8(ascii: "/") { index += 1 }
        let name = Self.lowercased(tag[nameStart..<index])
        if name == Array("style".utf8) || name == Array("script".utf8) {
            let selfClosing = tag.last == UInt8(ascii: "/")
            if !selfClosing { rawTextEnd = Array("</".utf8) + name }
        }
        var attributes: [String: String?] = [:]
        var repeats = false
        while index < tag.endIndex {
            while index < tag.endIndex && (Self.isSpace(tag[index]) || tag[index] == UInt8(ascii: "/")) { index += 1 }
            guard index < tag.endIndex else { break }
            let attributeStart = index
            while index < tag.endIndex && !Self.isSpace(tag[index]) && tag[index] != UInt8(ascii: "=") && tag[index] != UInt8(ascii: "/") {
                index += 1
            }
            let attributeName = String(decoding: Self.lowercased(tag[attributeStart..<index]), as: UTF8.self)
            var probe = index
            while probe < tag.endIndex && Self.isSpace(tag[probe]) { probe += 1 }
            var value: String?
            if probe < tag.endIndex && tag[probe] == UInt8(ascii: "=") {
                index = probe + 1
                while index < tag.endIndex && Self.isSpace(tag[index]) { index += 1 }
                if index < tag.endIndex && (tag[index] == UInt8(ascii: "\"") || tag[index] == UInt8(ascii: "'")) {
                    let quote = tag[index]
                    let valueStart = index + 1
                    var valueEnd = valueStart
                    while valueEnd < tag.endIndex && tag[valueEnd] != quote { valueEnd += 1 }
                    value = Self.decodeReferences(tag[valueStart..<valueEnd])
                    index = min(valueEnd + 1, tag.endIndex)
                } else {
                    let valueStart = index
                    while index < tag.endIndex && !Self.isSpace(tag[index]) { index += 1 }
                    value = Self.decodeReferences(tag[valueStart..<index])
                }
            }
            guard !attributeName.isEmpty else { continue }
            if attributes[attributeName] != nil { repeats = true }
            // The last of repeated attributes wins, as in `dict(attrs)`.
            attributes[attributeName] = .some(value)
        }
        let classes = (attributes["class"] ?? nil) ?? ""
        guard classes.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" || $0 == "\u{0C}" })
            .contains(where: { $0 == "message" }) else { return }
        if repeats && repeatedAttributeLine == nil { repeatedAttributeLine = line }
        messages.append(MessageElement(line: line, leaf: attributes["data-leaf"] ?? nil, msgid: attributes["data-msgid"] ?? nil,
                                       hash: attributes["data-hash"] ?? nil))
    }

    /// Decodes `&amp;`, `&lt;`, `&gt;`, `&quot;`, `&apos;` and numeric references; anything else stays as written.
    static func decodeReferences(_ bytes: ArraySlice<UInt8>) -> String {
        let text = String(decoding: bytes, as: UTF8.self)
        guard text.contains("&") else { return text }
        var out = ""
        var rest = Substring(text)
        while let ampersand = rest.firstIndex(of: "&") {
            out.append(contentsOf: rest[..<ampersand])
            let afterAmpersand = rest.index(after: ampersand)
            guard let semicolon = rest[afterAmpersand...].prefix(12).firstIndex(of: ";") else {
                out.append("&")
                rest = rest[afterAmpersand...]
                continue
            }
            if let decoded = decodeReference(rest[afterAmpersand..<semicolon]) {
                out.append(decoded)
                rest = rest[rest.index(after: semicolon)...]
            } else {
                out.append("&")
                rest = rest[afterAmpersand...]
            }
        }
        out.append(contentsOf: rest)
        return out
    }

    private static func decodeReference(_ name: Substring) -> String? {
        switch name {
        case "amp": return "&"
        case "lt": return "<"
        case "gt": return ">"
        case "quot": return "\""
        case "apos": return "'"
        default:
            guard name.hasPrefix("#") else { return nil }
            let digits = name.dropFirst()
            let value: UInt32?
            if digits.hasPrefix("x") || digits.hasPrefix("X") {
                value = UInt32(digits.dropFirst(), radix: 16)
            } else {
                value = UInt32(digits, radix: 10)
            }
            return value.flatMap { Unicode.Scalar($0) }.map { String(Character($0)) }
        }
    }

    private static func find(_ needle: [UInt8], in bytes: [UInt8], from start: Int, ignoringCase: Bool = false) -> Int? {
        guard !needle.isEmpty, bytes.count >= needle.count, start <= bytes.count - needle.count else { return nil }
        var index = start
        while index <= bytes.count - needle.count {
            var matches = true
            for offset in 0..<needle.count {
                let byte = ignoringCase ? lowercase(bytes[index + offset]) : bytes[index + offset]
                if byte != needle[offset] {
                    matches = false
                    break
                }
            }
            if matches { return index }
            index += 1
        }
        return nil
    }

    private static func isLetter(_ byte: UInt8) -> Bool {
        (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
    }

    private static func isSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D || byte == 0x0C
    }

    private static func lowercase(_ byte: UInt8) -> UInt8 {
        byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte + 32 : byte
    }

    private static func lowercased(_ bytes: ArraySlice<UInt8>) -> [UInt8] { bytes.map(lowercase) }
}

/// Checks UTF-8 as it streams by (RFC 3629: no overlong forms, no surrogates, nothing past U+10FFFF), as
/// Python's strict UTF-8 decoder does.
private struct UTF8Validator {
    private(set) var isValid = true
    /// Continuation bytes still expected.
    private var remaining = 0
    /// The allowed range of the next continuation byte (narrower right after some lead bytes).
    private var nextLow: UInt8 = 0x80
    private var nextHigh: UInt8 = 0xBF

    mutating func feed(_ chunk: Data) {
        guard isValid else { return }
        for byte in chunk {
            if remaining > 0 {
                guard byte >= nextLow && byte <= nextHigh else {
                    isValid = false
                    return
                }
                remaining -= 1
                nextLow = 0x80
                nextHigh = 0xBF
                continue
            }
            switch byte {
            case 0x00...0x7F: continue
            case 0xC2...0xDF: remaining = 1
            case 0xE0: remaining = 2; nextLow = 0xA0
            case 0xE1...0xEC, 0xEE...0xEF: remaining = 2
            case 0xED: remaining = 2; nextHigh = 0x9F
            case 0xF0: remaining = 3; nextLow = 0x90
            case 0xF1...0xF3: remaining = 3
            case 0xF4: remaining = 3; nextHigh = 0x8F
            default:
                isValid = false
                return
            }
        }
    }

    /// A sequence cut off at the end of the page is invalid.
    mutating func finish() {
        if remaining > 0 { isValid = false }
    }
}
