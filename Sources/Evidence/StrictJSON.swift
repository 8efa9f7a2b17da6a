/// A JSON value read the way `verify.py` reads package files (Python's `json.loads`, refusing repeated keys), so
/// the two verifiers accept and refuse exactly the same files.
///
/// Foundation's decoders keep one of two repeated keys silently, so two readers could see two different
/// packages in one file; and Codable would refuse a whole file for a field a check never reads, where
/// `verify.py` reads each field when its check needs it. Values are therefore read here, and fields are taken
/// one by one with Python's rules (``text(_:)``, ``wholeNumber(_:)``).
indirect enum StrictJSON: Sendable {
    case object([String: StrictJSON])
    case array([StrictJSON])
    case string(String)
    /// An integer literal (`-?(0|[1-9][0-9]*)`), kept as text: Python's integers have no size limit.
    case integer(String)
    /// A number with a fraction or exponent, or `NaN`/`Infinity`, which Python's `json` also accepts.
    case float(Double)
    case bool(Bool)
    case null

    /// Why a file is not a JSON object, in `verify.py`'s words (after the file name).
    enum Problem: Error, Sendable {
        /// "is not valid JSON": not UTF-8, or not JSON.
        case invalid
        /// "repeats a key": an object names a key twice.
        case repeatedKey
        /// "is not a JSON object": valid JSON, but not an object at the top.
        case notAnObject

        var sentence: String {
            switch self {
            case .invalid: "is not valid JSON"
            case .repeatedKey: "repeats a key"
            case .notAnObject: "is not a JSON object"
            }
        }
    }

    /// Parses a whole file that must hold one JSON object.
    static func object(_ bytes: [UInt8]) -> Result<[String: StrictJSON], Problem> {
        // Python decodes the whole file as UTF-8 before parsing, so bad UTF-8 anywhere is "not valid JSON".
        // (Decoding repairs bad sequences, so text that survives the round trip unchanged was valid.)
        guard Array(String(decoding: bytes, as: UTF8.self).utf8) == bytes else { return .failure(.invalid) }
        var parser = Parser(bytes: bytes)
        do {
            parser.skipWhitespace()
            let value = try parser.value(depth: 0)
            parser.skipWhitespace()
            guard parser.index == bytes.count else { return .failure(.invalid) }
            guard case .object(let members) = value else { return .failure(.notAnObject) }
            return .success(members)
        } catch let problem as Problem {
            return .failure(problem)
        } catch {
            return .failure(.invalid)
        }
    }

    // MARK: - Fields, with verify.py's `get`

    /// The value when it is text.
    var text: String? {
        if case .string(let value) = self { return value }
        return nil
    }

    /// A whole number ≥ 0 (not a boolean), as Python's `get(obj, int, …)` requires; `.tooLarge` past `UInt64`.
    var wholeNumber: WholeNumber? {
        guard case .integer(let literal) = self else { return nil }
        if literal.hasPrefix("-") {
            return literal.utf8.dropFirst().allSatisfy({ $0 == UInt8(ascii: "0") }) ? .value(0) : nil
        }
        return UInt64(literal).map(WholeNumber.value) ?? .tooLarge
    }

    /// A non-negative JSON integer.
    enum WholeNumber: Sendable, Equatable {
        case value(UInt64)
        /// Beyond `UInt64`: equal to no size or index this verifier can hold.
        case tooLarge
    }

    /// Whether the value equals `count` as Python's `!=` sees it (so `3.0` and `true` compare as numbers).
    func equals(_ count: Int) -> Bool {
        switch self {
        case .integer: return wholeNumber == .value(UInt64(count))
        case .float(let value): return value == Double(count)
        case .bool(let value): return (value ? 1 : 0) == count
        default: return false
        }
    }

    /// The value as Python's `str()` prints it in a failure sentence.
    var pythonText: String {
        switch self {
        case .string(let value): return value
        case .integer(let literal): return literal.hasPrefix("-") && wholeNumber == .value(0) ? "0" : literal
        case .float(let value):
            if value.isNaN { return "nan" }
            if value.isInfinite { return value < 0 ? "-inf" : "inf" }
            return "\(value)"
        case .bool(let value): return value ? "True" : "False"
        case .null: return "None"
        case .array(let values): return "[" + values.map(\.pythonText).joined(separator: ", ") + "]"
        case .object: return "{…}"
        }
    }

    // MARK: - Parser

    private struct Parser {
        let bytes: [UInt8]
        var index = 0
        static let maximumDepth = 512

        init(bytes: [UInt8]) { self.bytes = bytes }

        mutating func skipWhitespace() {
            while index < bytes.count, bytes[index] == 0x20 || bytes[index] == 0x09 || bytes[index] == 0x0A || bytes[index] == 0x0D {
                index += 1
            }
        }

        mutating func value(depth: Int) throws -> StrictJSON {
            guard depth < Self.maximumDepth, index < bytes.count else { throw Problem.invalid }
            switch bytes[index] {
            case UInt8(ascii: "{"): return try object(depth: depth)
            case UInt8(ascii: "["): return try array(depth: depth)
            case UInt8(ascii: "\""): return .string(try string().text)
            case UInt8(ascii: "t"): try literal("true"); return .bool(true)
            case UInt8(ascii: "f"): try literal("false"); return .bool(false)
            case UInt8(ascii: "n"): try literal("null"); return .null
            case UInt8(ascii: "N"): try literal("NaN"); return .float(.nan)
            case UInt8(ascii: "I"): try literal("Infinity"); return .float(.infinity)
            case UInt8(ascii: "-") where bytes[index...].starts(with: Array("-Infinity".utf8)):
                try literal("-Infinity")
                return .float(-.infinity)
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try number()
            default: throw Problem.invalid
            }
        }

        mutating func literal(_ word: String) throws {
            let expected = Array(word.utf8)
            guard bytes[index...].starts(with: expected) else { throw Problem.invalid }
            index += expected.count
        }

        mutating func object(depth: Int) throws -> StrictJSON {
            index += 1
            var members: [String: StrictJSON] = [:]
            // Keys compared as Python compares them: by code point (a lone surrogate is its own code point).
            var seen: Set<[UInt32]> = []
            var repeated = false
            skipWhitespace()
            if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
                index += 1
                return .object(members)
            }
            while true {
                skipWhitespace()
                guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { throw Problem.invalid }
                let key = try string()
                skipWhitespace()
                guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { throw Problem.invalid }
                index += 1
                skipWhitespace()
                let member = try value(depth: depth + 1)
                if !seen.insert(key.codePoints).inserted { repeated = true }
                members[key.text] = member
                skipWhitespace()
                guard index < bytes.count else { throw Problem.invalid }
                if bytes[index] == UInt8(ascii: ",") {
                    index += 1
                } else if bytes[index] == UInt8(ascii: "}") {
                    index += 1
                    // Python's object hook runs when the object closes, so a repeat is reported then.
                    if repeated { throw Problem.repeatedKey }
                    return .object(members)
                } else {
                    throw Problem.invalid
                }
            }
        }

        mutating func array(depth: Int) throws -> StrictJSON {
            index += 1
            var elements: [StrictJSON] = []
            skipWhitespace()
            if index < bytes.count, bytes[index] == UInt8(ascii: "]") {
                index += 1
                return .array(elements)
            }
            while true {
                skipWhitespace()
                elements.append(try value(depth: depth + 1))
                skipWhitespace()
                guard index < bytes.count else { throw Problem.invalid }
                if bytes[index] == UInt8(ascii: ",") {
                    index += 1
                } else if bytes[index] == UInt8(ascii: "]") {
                    index += 1
                    return .array(elements)
                } else {
                    throw Problem.invalid
                }
            }
        }

        /// A string's text, and its code points for comparing keys.
        mutating func string() throws -> (text: String, codePoints: [UInt32]) {
            index += 1
            var codePoints: [UInt32] = []
            var utf8: [UInt8] = []
            while true {
                guard index < bytes.count else { throw Problem.invalid }
                let byte = bytes[index]
                if byte == UInt8(ascii: "\"") {
                    index += 1
                    // Already valid UTF-8 (checked up front); lone surrogates were written as U+FFFD.
                    let text = String(decoding: utf8, as: UTF8.self)
                    return (text, codePoints)
                }
                if byte < 0x20 { throw Problem.invalid }  // Python's strict mode: no raw control characters
                if byte != UInt8(ascii: "\\") {
                    // Copy one whole UTF-8 sequence.
                    let length = byte < 0x80 ? 1 : byte < 0xE0 ? 2 : byte < 0xF0 ? 3 : 4
                    guard index + length <= bytes.count else { throw Problem.invalid }
                    let sequence = Array(bytes[index..<index + length])
                    utf8 += sequence
                    for scalar in String(decoding: sequence, as: UTF8.self).unicodeScalars { codePoints.append(scalar.value) }
                    index += length
                    continue
                }
                index += 1
                guard index < bytes.count else { throw Problem.invalid }
                let escape = bytes[index]
                index += 1
                let simple: UInt8? = switch escape {
                case UInt8(ascii: "\""): UInt8(ascii: "\"")
                case UInt8(ascii: "\\"): UInt8(ascii: "\\")
                case UInt8(ascii: "/"): UInt8(ascii: "/")
                case UInt8(ascii: "b"): 0x08
                case UInt8(ascii: "f"): 0x0C
                case UInt8(ascii: "n"): 0x0A
                case UInt8(ascii: "r"): 0x0D
                case UInt8(ascii: "t"): 0x09
                default: nil
                }
                if let simple {
                    utf8.append(simple)
                    codePoints.append(UInt32(simple))
                    continue
                }
                guard escape == UInt8(ascii: "u") else { throw Problem.invalid }
                var unit = try hex4()
                // A high surrogate followed by an escaped low one is one code point, as in Python.
                if (0xD800...0xDBFF).contains(unit), bytes[index...].starts(with: [UInt8(ascii: "\\"), UInt8(ascii: "u")]) {
                    let save = index
                    index += 2
                    let low = try hex4()
                    if (0xDC00...0xDFFF).contains(low) {
                        unit = 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00)
                    } else {
                        index = save
                    }
                }
                codePoints.append(unit)
                let scalar = Unicode.Scalar(unit) ?? "\u{FFFD}"
                utf8 += Array(String(Character(scalar)).utf8)
            }
        }

        mutating func hex4() throws -> UInt32 {
            guard index + 4 <= bytes.count else { throw Problem.invalid }
            var value: UInt32 = 0
            for byte in bytes[index..<index + 4] {
                let digit: UInt8
                switch byte {
                case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
                case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
                case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
                default: throw Problem.invalid
                }
                value = value << 4 | UInt32(digit)
            }
            index += 4
            return value
        }

        /// `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?`, as Python's `json` reads numbers.
        mutating func number() throws -> StrictJSON {
            let start = index
            if bytes[index] == UInt8(ascii: "-") { index += 1 }
            func digits() -> Int {
                let first = index
                while index < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) { index += 1 }
                return index - first
            }
            guard index < bytes.count else { throw Problem.invalid }
            if bytes[index] == UInt8(ascii: "0") {
                index += 1
            } else {
                guard digits() > 0 else { throw Problem.invalid }
            }
            var isInteger = true
            if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
                // "1." is not a number; Python then stops at "1" and finds extra data: invalid either way.
                index += 1
                guard digits() > 0 else { throw Problem.invalid }
                isInteger = false
            }
            if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
                index += 1
                if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { index += 1 }
                guard digits() > 0 else { throw Problem.invalid }
                isInteger = false
            }
            let literal = String(decoding: bytes[start..<index], as: UTF8.self)
            if isInteger { return .integer(literal) }
            return .float(Double(literal) ?? (literal.hasPrefix("-") ? -.infinity : .infinity))
        }
    }
}
