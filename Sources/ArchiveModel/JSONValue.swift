import Foundation

/// A JSON document tree that keeps every value WeCom sends, including ones we do not model.
///
/// Payloads of unknown msgtypes and loosely typed fields are carried as `JSONValue` so nothing
/// is lost; lenient accessors absorb the known wire inconsistencies (numbers sent as strings).
public enum JSONValue: Sendable, Hashable {
    case null
    case bool(Bool)
    case integer(Int64)
    case unsignedInteger(UInt64)
    /// A finite floating-point number.
    case double(Double)
    /// A number no Swift number holds (`1e999999` would be infinity), kept as its literal text. Encoding writes it as
    /// a JSON string, since JSON has no infinity; ``stringValue`` returns the literal.
    case number(String)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])
}

extension JSONValue: Codable {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Int64.self) {
            self = .integer(value)
        } else if let value = try? container.decode(UInt64.self) {
            self = .unsignedInteger(value)
        } else if let value = try? container.decode(Double.self) {
            self = .double(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([JSONValue].self) {
            self = .array(value)
        } else {
            self = .object(try container.decode([String: JSONValue].self))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .bool(let value): try container.encode(value)
        case .integer(let value): try container.encode(value)
        case .unsignedInteger(let value): try container.encode(value)
        // JSON has no infinity or NaN: a non-finite double (only code can make one) goes out as its text, never an error.
        case .double(let value) where !value.isFinite: try container.encode(String(value))
        case .double(let value): try container.encode(value)
        case .number(let literal): try container.encode(literal)
        case .string(let value): try container.encode(value)
        case .array(let value): try container.encode(value)
        case .object(let value): try container.encode(value)
        }
    }
}

extension JSONValue {
    /// The member `key` of an object, or `nil` for anything else.
    public subscript(key: String) -> JSONValue? {
        if case .object(let members) = self { return members[key] }
        return nil
    }

    /// The value as text: strings as they are, numbers and booleans printed.
    public var stringValue: String? {
        switch self {
        case .string(let value): value
        case .integer(let value): String(value)
        case .unsignedInteger(let value): String(value)
        case .double(let value): value.isFinite && value.rounded() == value && abs(value) < 1e15 ? String(Int64(value)) : String(value)
        case .number(let literal): literal
        case .bool(let value): String(value)
        default: nil
        }
    }

    /// The value as a signed integer; accepts numbers sent as strings (a known relay trap).
    public var int64Value: Int64? {
        switch self {
        case .integer(let value): value
        case .unsignedInteger(let value): Int64(exactly: value)
        case .double(let value): Int64(exactly: value.rounded(.towardZero))
        case .string(let text): Int64(text.trimmingCharacters(in: .whitespaces))
            ?? Double(text.trimmingCharacters(in: .whitespaces)).flatMap { Int64(exactly: $0.rounded(.towardZero)) }
        case .bool(let value): value ? 1 : 0
        default: nil
        }
    }

    /// The value as an unsigned integer (meeting ids exceed `Int64` in theory).
    public var uint64Value: UInt64? {
        switch self {
        case .unsignedInteger(let value): value
        case .string(let text): UInt64(text.trimmingCharacters(in: .whitespaces)) ?? int64Value.flatMap { UInt64(exactly: $0) }
        default: int64Value.flatMap { UInt64(exactly: $0) }
        }
    }

    /// The value as a finite floating-point number; accepts numbers sent as strings. Infinity and NaN (a literal
    /// such as `1e999999`, or a string `"inf"`) are `nil`: nothing downstream can show or encode them.
    public var doubleValue: Double? {
        let value: Double? = switch self {
        case .double(let value): value
        case .integer(let value): Double(value)
        case .unsignedInteger(let value): Double(value)
        case .string(let text): Double(text.trimmingCharacters(in: .whitespaces))
        default: nil
        }
        return value.flatMap { $0.isFinite ? $0 : nil }
    }

    /// The value as a boolean; accepts 0/1 and "true"/"false".
    public var boolValue: Bool? {
        switch self {
        case .bool(let value): value
        case .integer(let value): value != 0
        case .string(let text): ["true", "1"].contains(text.lowercased()) ? true : (["false", "0"].contains(text.lowercased()) ? false : nil)
        default: nil
        }
    }

    /// The elements of an array, or `nil` for anything else.
    public var arrayValue: [JSONValue]? {
        if case .array(let elements) = self { return elements }
        return nil
    }

    /// The members of an object, or `nil` for anything else.
    public var objectValue: [String: JSONValue]? {
        if case .object(let members) = self { return members }
        return nil
    }
}
