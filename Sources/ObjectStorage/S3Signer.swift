import Crypto
import Foundation

/// AWS Signature Version 4 for S3 requests (the header form), as every S3-compatible server expects it.
public struct S3Signer: Sendable {
    public var accessKey: String
    public var secretKey: String
    public var region: String

    public init(accessKey: String, secretKey: String, region: String) {
        self.accessKey = accessKey
        self.secretKey = secretKey
        self.region = region
    }

    /// The headers to add to a request: `x-amz-date`, `x-amz-content-sha256` and `Authorization`.
    /// - Parameters:
    ///   - headers: the other headers to sign (`host` is always signed; names are matched case-insensitively).
    ///   - payloadSHA256: hex SHA-256 of the body (`e3b0…` for none).
    public func sign(method: String, url: URL, headers: [String: String], payloadSHA256: String, date: Date = Date()) -> [String: String] {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyyMMdd'T'HHmmss'Z'"
        let amzDate = formatter.string(from: date)
        let day = String(amzDate.prefix(8))
        var signed: [String: String] = [:]
        for (name, value) in headers { signed[name.lowercased()] = value.trimmingCharacters(in: .whitespaces) }
        signed["host"] = url.port.map { "\(url.host ?? ""):\($0)" } ?? (url.host ?? "")
        signed["x-amz-date"] = amzDate
        signed["x-amz-content-sha256"] = payloadSHA256
        let names = signed.keys.sorted()
        let canonicalRequest = [
            method,
            Self.encodePath(url.path.isEmpty ? "/" : url.path),
            Self.canonicalQuery(url),
            names.map { "\($0):\(signed[$0]!)\n" }.joined(),
            names.joined(separator: ";"),
            payloadSHA256,
        ].joined(separator: "\n")
        let scope = "\(day)/\(region)/s3/aws4_request"
        let stringToSign = ["AWS4-HMAC-SHA256", amzDate, scope, Self.hex(SHA256.hash(data: Array(canonicalRequest.utf8)))].joined(separator: "\n")
        var key = SymmetricKey(data: Array("AWS4\(secretKey)".utf8))
        for part in [day, region, "s3", "aws4_request"] {
            key = SymmetricKey(data: Array(HMAC<SHA256>.authenticationCode(for: Array(part.utf8), using: key)))
        }
        let signature = Self.hex(HMAC<SHA256>.authenticationCode(for: Array(stringToSign.utf8), using: key))
        return [
            "x-amz-date": amzDate, "x-amz-content-sha256": payloadSHA256,
            "Authorization": "AWS4-HMAC-SHA256 Credential=\(accessKey)/\(scope), SignedHeaders=\(names.joined(separator: ";")), Signature=\(signature)",
        ]
    }

    static func hex<D: Sequence>(_ digest: D) -> String where D.Element == UInt8 { digest.map { String(format: "%02x", $0) }.joined() }

    /// RFC 3986 unreserved characters stay; everything else is percent-encoded (slashes kept in paths).
    static func encode(_ text: String, keepSlash: Bool) -> String {
        var allowed = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.~")
        if keepSlash { allowed.insert(charactersIn: "/") }
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }

    static func encodePath(_ path: String) -> String { encode(path, keepSlash: true) }

    /// An object key as it appears in a request path.
    public static func encodeKey(_ key: String) -> String { encodePath(key) }

    static func canonicalQuery(_ url: URL) -> String {
        guard let items = URLComponents(url: url, resolvingAgainstBaseURL: false)?.queryItems else { return "" }
        return items.map { (encode($0.name, keepSlash: false), encode($0.value ?? "", keepSlash: false)) }
            .sorted { $0.0 != $1.0 ? $0.0 < $1.0 : $0.1 < $1.1 }
            .map { "\($0.0)=\($0.1)" }.joined(separator: "&")
    }
}
