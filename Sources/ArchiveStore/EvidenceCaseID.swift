import Foundation

/// Case ids: short enough to type and say on the phone, random so they reveal nothing (`case-3f9a1c2b7d40`).
package enum EvidenceCaseID {
    package static func make() -> String {
        "case-" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(12)
    }
}
