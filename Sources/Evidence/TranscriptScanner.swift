import Foundation

/// Finds the message elements of `index.html` as the page streams by, without keeping the page.
///
/// It reads start tags as Python's `html.parser` does in `verify.py`: comments (from `<!--` to the next `-->`),
/// declarations, processing instructions and end tags are skipped; the content of `<style>` and `<script>` is raw
/// text (a tag written inside CSS is no element); quoted attribute values may hold `>`; tag and attribute names are
/// case-insensitive; character references in values are decoded; a repeated attribute keeps its last value
/// (`dict(attrs)`), and an attribute without a value has none. An element counts as a message when the
/// whitespace-separated tokens of its `class` include `message`. Lines are counted as Python counts them (from 1, by
/// "\n"), so failures name the same line. A tag or comment still open at the end of the page is dropped (`verify.py`
/// does not call the parser's `close()`).
///
/// The scan is one pass of a small state machine over the bytes, each looked at once (twice when a `<` or `<!` turns
/// out to open nothing), so its time is linear in the page whatever the chunks: a search never starts over from an
/// earlier byte (``examined`` counts the looks). Only a start tag being read is kept (its attributes are read when it
/// ends, ``kept``); a comment, declaration, end tag or raw text is skipped byte by byte without keeping it, however
/// long.
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
    /// How many times a byte was looked at: at most twice the bytes fed, so the scan is linear.
    private(set) var examined = 0
    /// How many bytes are kept: those of a start tag being read, nothing else.
    var kept: Int { tag.count }

    /// Where the scan is.
    private enum State {
        /// In text, looking for `<`.
        case text
        /// Right after `<`.
        case afterLessThan
        /// After `<!`, or `<!-` (to tell a comment from a declaration).
        case afterBang, afterBangDash
        /// In a comment, after `dashes` (0 to 2) `-` in a row: `>` after two ends it.
        case comment(dashes: Int)
        /// In a declaration, end tag or processing instruction: the next `>` ends it.
        case untilGreaterThan
        /// In a start tag, whose bytes after `<` are in `tag`; `quote` is the quote of an open attribute value.
        case startTag(quote: UInt8?)
        /// In the raw text of `<style>` or `<script>`: `matched` bytes of `rawTextEnd` (`</style`) seen.
        case rawText(matched: Int)
    }

    private var state = State.text
    /// The line of the byte being read.
    private var line = 1
    /// The line of the start tag being read.
    private var tagLine = 1
    /// The start tag being read: its bytes after `<`.
    private var tag: [UInt8] = []
    /// Inside `<style>` or `<script>`: the lowercase end tag that closes it (`</style`).
    private var rawTextEnd: [UInt8] = []
    private var utf8 = UTF8Validator()

    /// Scans the next bytes of the page.
    mutating func feed(_ chunk: some Collection<UInt8>) {
        utf8.feed(chunk)
        for byte in chunk {
            step(byte)
            if byte == 0x0A { line += 1 }
        }
    }

    /// Ends the page: what is still open (a tag, a comment) is dropped.
    mutating func finish() {
        utf8.finish()
        state = .text
        tag = []
    }

    private static let lessThan = UInt8(ascii: "<")
    private static let greaterThan = UInt8(ascii: ">")
    private static let dash = UInt8(ascii: "-")

    /// Reads one byte. A byte that turns out to end nothing it was waited for is read again as text (`<` followed by
    /// a space is a literal `<`), or in the state it opened; no byte is read more than twice.
    private mutating func step(_ byte: UInt8) {
        examined += 1
        switch state {
        case .text:
            if byte == Self.lessThan {
                state = .afterLessThan
                tagLine = line
            }
        case .afterLessThan:
            if byte == UInt8(ascii: "!") {
                state = .afterBang
            } else if byte == UInt8(ascii: "/") || byte == UInt8(ascii: "?") {
                state = .untilGreaterThan
            } else if Self.isLetter(byte) {
                state = .startTag(quote: nil)
                tag = [byte]
            } else {
                state = .text  // a literal "<" in text
                step(byte)
            }
        case .afterBang:
            if byte == Self.dash {
                state = .afterBangDash
            } else {
                state = .untilGreaterThan  // a declaration, "<!doctype html>"
                step(byte)
            }
        case .afterBangDash:
            if byte == Self.dash {
                state = .comment(dashes: 0)  // the "--" of "<!--" does not count towards its end
            } else {
                state = .untilGreaterThan
                step(byte)
            }
        case .comment(let dashes):
            if byte == Self.greaterThan && dashes == 2 {
                state = .text
            } else {
                state = .comment(dashes: byte == Self.dash ? min(dashes + 1, 2) : 0)
            }
        case .untilGreaterThan:
            if byte == Self.greaterThan { state = .text }
        case .startTag(let quote):
            if let quote {
                if byte == quote { state = .startTag(quote: nil) }
                tag.append(byte)
            } else if byte == Self.greaterThan {
                startTag(tag[...], line: tagLine)
                tag = []
                state = rawTextEnd.isEmpty ? .text : .rawText(matched: 0)
            } else {
                if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'") {
                    // A quote opens a value only right after "=" (with optional spaces), as in an attribute. The look
                    // back goes over spaces only, back to the previous other byte: all of them together go over each
                    // byte at most once.
                    var back = tag.count - 1
                    while back > 0 && Self.isSpace(tag[back]) { back -= 1 }
                    if back >= 0 && tag[back] == UInt8(ascii: "=") { state = .startTag(quote: byte) }
                }
                tag.append(byte)
            }
        case .rawText(let matched):
            // "</style" has "<" only at its start, so after a mismatch only a "<" can begin the next match.
            if Self.lowercase(byte) == rawTextEnd[matched] {
                if matched + 1 == rawTextEnd.count {
                    rawTextEnd = []
                    state = .untilGreaterThan  // the rest of the end tag
                } else {
                    state = .rawText(matched: matched + 1)
                }
            } else {
                state = .rawText(matched: byte == Self.lessThan ? 1 : 0)
            }
        }
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

    mutating func feed(_ chunk: some Collection<UInt8>) {
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
