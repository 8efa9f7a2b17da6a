import ArchiveStore
import Foundation
import Ingest
import Risk

/// The policy in force: the newest stored version, or the built-in packs stored as version 1 on first use.
enum PolicyLoader {
    static func current(_ store: any PolicyStore) async throws -> (version: Int, policy: Policy) {
        if let latest = try await store.policyVersions().first {
            do {
                return (latest.version, try JSONDecoder().decode(Policy.self, from: Data(latest.document)))
            } catch {
                throw CLIError("stored policy version \(latest.version) does not parse (\(error)); import a valid policy")
            }
        }
        let document = try encoder.encode(Policy.builtIn)
        let version = try await store.addPolicy(name: Policy.builtIn.name, document: Array(document), createdBy: "chatledger",
                                                note: "built-in packs")
        return (version, .builtIn)
    }

    static var encoder: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        return encoder
    }

    static func analysis(_ store: any PolicyStore, channels: [String]) async throws -> RiskAnalysis {
        let (version, policy) = try await current(store)
        return RiskAnalysis(scanner: RiskScanner(policy: policy), policyVersion: version, channels: channels,
                            departments: try await store.employeeDepartments())
    }
}
