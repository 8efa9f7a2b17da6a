import Foundation

/// The corp's archive private keys by `publickey_ver`: every version ever registered stays usable,
/// because messages keep the version that was current when WeCom archived them.
public struct PrivateKeyRing: Sendable {
    private var keys: [UInt32: any RSAKeyDecrypting]

    public init(keys: [UInt32: any RSAKeyDecrypting] = [:]) { self.keys = keys }

    public var versions: [UInt32] { keys.keys.sorted() }

    public mutating func add(_ key: any RSAKeyDecrypting, version: UInt32) { keys[version] = key }

    public func key(version: UInt32) -> (any RSAKeyDecrypting)? { keys[version] }

    /// Loads every `*.pem` in `directory`; the version is the number in the file name (`v3.pem`, `3.pem`, `key_3.pem`).
    /// - Throws: ``WeComError`` `invalid-key` naming the file that does not parse or has no version number.
    public static func load(directory: URL, backend: RSABackend = .openssl) throws -> PrivateKeyRing {
        var ring = PrivateKeyRing()
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw WeComError(.invalidKey, "no key folder at \(directory.path): pass --keys DIR holding the archive private keys (v1.pem, v2.pem …)")
        }
        let files = try FileManager.default.contentsOfDirectory(at: directory, includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == "pem" }
        for file in files {
            let digits = file.deletingPathExtension().lastPathComponent.filter(\.isNumber)
            guard let version = UInt32(digits) else {
                throw WeComError(.invalidKey, "\(file.lastPathComponent): name the file after its publickey_ver, e.g. v2.pem")
            }
            do {
                ring.add(try backend.privateKey(pem: String(contentsOf: file, encoding: .utf8)), version: version)
            } catch let error as WeComError {
                throw WeComError(error.code, "\(file.lastPathComponent): \(error.message)")
            }
        }
        guard !files.isEmpty else {
            throw WeComError(.invalidKey, "no *.pem private keys in \(directory.path)")
        }
        return ring
    }
}
