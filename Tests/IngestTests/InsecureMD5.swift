import Crypto
import Foundation

enum InsecureMD5 {
    static func hex(_ bytes: [UInt8]) -> String { Insecure.MD5.hash(data: bytes).map { String(format: "%02x", $0) }.joined() }
}
