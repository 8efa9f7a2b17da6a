import Crypto
import Foundation
import Ledger

/// The package's encoded values (base64, hex hashes, the PEM key) read exactly as `verify.py` reads them, and
/// values quoted in failure sentences as Python quotes them, so both verifiers accept, refuse and word alike.
enum StrictValues {
    private static let base64Alphabet: [UInt8] = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
    private static let base64Values: [UInt8: UInt8] = Dictionary(
        uniqueKeysWithValues: base64Alphabet.enumerated().map { ($0.element, UInt8($0.offset)) })

    /// Python's `base64.b64decode(text, validate=True)` (binascii strict mode, Python 3.11 and later): only the
    /// standard alphabet, no leading padding, no data after padding, no missing padding. `nil` when refused.
    static func base64(_ bytes: some Collection<UInt8>) -> [UInt8]? {
        if bytes.first == UInt8(ascii: "=") { return nil }  // "Leading padding not allowed"
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count * 3 / 4)
        var quadPosition = 0
        var leftover: UInt32 = 0
        var pads = 0
        var paddingStarted = false
        var position = 0
        let count = bytes.count
        for byte in bytes {
            defer { position += 1 }
            if byte == UInt8(ascii: "=") {
                paddingStarted = true
                pads += 1
                if quadPosition >= 2 && quadPosition + pads >= 4 {
                    // The padding completes the last group: nothing may follow ("Excess data after padding").
                    guard position + 1 == count else { return nil }
                    break
                }
                continue
            }
            guard let value = base64Values[byte] else { return nil }  // "Only base64 data is allowed"
            if paddingStarted { return nil }  // "Discontinuous padding not allowed"
            pads = 0
            leftover = leftover << 6 | UInt32(value)
            quadPosition += 1
            if quadPosition == 4 {
                out += [UInt8(truncatingIfNeeded: leftover >> 16), UInt8(truncatingIfNeeded: leftover >> 8), UInt8(truncatingIfNeeded: leftover)]
                quadPosition = 0
                leftover = 0
            }
        }
        switch quadPosition {
        case 0: return out
        case 1: return nil  // "cannot be 1 more than a multiple of 4"
        default:
            guard quadPosition + pads >= 4 else { return nil }  // "Incorrect padding"
            // Two data characters give one byte, three give two; the leftover low bits are ignored, as in Python.
            let bits = leftover << UInt32(6 * (4 - quadPosition))
            out.append(UInt8(truncatingIfNeeded: bits >> 16))
            if quadPosition == 3 { out.append(UInt8(truncatingIfNeeded: bits >> 8)) }
            return out
        }
    }

    /// `verify.py`'s `from_hex`: exactly 64 hex digits, either case.
    static func hash(_ value: StrictJSON?) -> MerkleHash? {
        guard let text = value?.text else { return nil }
        let utf8 = Array(text.utf8)
        guard utf8.count == 64 else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(32)
        var high: UInt8 = 0
        for (offset, byte) in utf8.enumerated() {
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: return nil
            }
            if offset % 2 == 0 {
                high = digit
            } else {
                bytes.append(high << 4 | digit)
            }
        }
        return MerkleHash(bytes: bytes)
    }

    /// Why a PEM text is not an Ed25519 public key, in `verify.py`'s words (after where it came from).
    enum KeyProblem: Error {
        case notPEM
        case notEd25519

        var sentence: String {
            switch self {
            case .notPEM: "is not a PEM public key"
            case .notEd25519: "is not an Ed25519 public key"
            }
        }
    }

    /// A PEM `PUBLIC KEY` (SubjectPublicKeyInfo) that must hold an Ed25519 key, as `load_pem_public_key` reads it.
    static func publicKey(pem: String) -> Result<Curve25519.Signing.PublicKey, KeyProblem> {
        let begin = "-----BEGIN PUBLIC KEY-----"
        let end = "-----END PUBLIC KEY-----"
        guard let start = pem.range(of: begin), let stop = pem.range(of: end, range: start.upperBound..<pem.endIndex) else {
            return .failure(.notPEM)
        }
        let body = pem[start.upperBound..<stop.lowerBound].utf8.filter { !(" \t\r\n" as String).utf8.contains($0) }
        guard let der = base64(body), der.count >= 2, der[0] == 0x30 else { return .failure(.notPEM) }
        let ed25519Prefix: [UInt8] = [0x30, 0x2A, 0x30, 0x05, 0x06, 0x03, 0x2B, 0x65, 0x70, 0x03, 0x21, 0x00]
        guard der.count == 44, der.starts(with: ed25519Prefix) else {
            // A SubjectPublicKeyInfo (a SEQUENCE starting with the algorithm's SEQUENCE) of another algorithm.
            return der.count > 4 && (der[2] == 0x30 || der[3] == 0x30 || der[4] == 0x30) ? .failure(.notEd25519) : .failure(.notPEM)
        }
        guard let key = try? Curve25519.Signing.PublicKey(rawRepresentation: der.suffix(32)) else { return .failure(.notEd25519) }
        return .success(key)
    }

    /// Python's `repr()` of a string (or `None`), for values quoted in failure sentences.
    static func repr(_ text: String?) -> String {
        guard let text else { return "None" }
        let quote: Character = text.contains("'") && !text.contains("\"") ? "\"" : "'"
        var out = String(quote)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if Character(scalar) == quote {
                    out += "\\" + String(quote)
                } else if isPrintable(scalar) {
                    out.unicodeScalars.append(scalar)
                } else if scalar.value < 0x100 {
                    out += "\\x" + hex(scalar.value, width: 2)
                } else if scalar.value < 0x10000 {
                    out += "\\u" + hex(scalar.value, width: 4)
                } else {
                    out += "\\U" + hex(scalar.value, width: 8)
                }
            }
        }
        out.append(quote)
        return out
    }

    /// Python's `str.isprintable()` for one character: not a control, format, surrogate, private-use,
    /// unassigned or separator character, except the space.
    private static func isPrintable(_ scalar: Unicode.Scalar) -> Bool {
        if scalar == " " { return true }
        switch scalar.properties.generalCategory {
        case .control, .format, .surrogate, .privateUse, .unassigned, .lineSeparator, .paragraphSeparator, .spaceSeparator:
            return false
        default:
            return true
        }
    }

    private static func hex(_ value: UInt32, width: Int) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }
}
