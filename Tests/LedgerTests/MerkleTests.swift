import Foundation
import Ledger
import Testing

/// A tree held in memory: every perfect-subtree node, as a store would keep them.
struct MemoryTree {
    var range = CompactRange()
    var nodes: [String: MerkleHash] = [:]

    mutating func append(_ data: [UInt8]) {
        let leaf = MerkleHash.leaf(data)
        nodes["0/\(range.size)"] = leaf
        for node in range.append(leaf) { nodes["\(node.level)/\(node.index)"] = node.hash }
    }

    func node(_ level: Int, _ index: UInt64) throws -> MerkleHash {
        guard let hash = nodes["\(level)/\(index)"] else { throw LedgerError("missing node \(level)/\(index)") }
        return hash
    }
}

@Suite struct MerkleTests {
    static func leaves(_ count: Int) -> [[UInt8]] {
        (0..<count).map { Array("leaf-\($0)-聊天".utf8) }
    }

    static func tree(_ leaves: [[UInt8]]) -> MemoryTree {
        var tree = MemoryTree()
        for leaf in leaves { tree.append(leaf) }
        return tree
    }

    @Test func emptyAndSingleLeafTreesFollowRFC6962() {
        #expect(MerkleHash.empty.hex == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        var range = CompactRange()
        range.append(MerkleHash.leaf([]))
        // RFC 6962 test vector: the hash of an empty leaf.
        #expect(range.root.hex == "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d")
    }

    @Test func rootsProofsAndConsistencyAgreeWithAnIndependentPythonOracle() throws {
        let leaves = Self.leaves(70)
        let tree = Self.tree(leaves)
        var queries: [[String: Int]] = []
        var ours: [Any] = []
        for size in [1, 2, 3, 4, 5, 7, 8, 9, 16, 17, 31, 32, 33, 63, 64, 65, 70] {
            queries.append(["kind": 0, "size": size])
            ours.append(try MerkleProofs.root(size: UInt64(size), node: tree.node).hex)
            for index in Set([0, size / 2, size - 1]) {
                queries.append(["kind": 1, "index": index, "size": size])
                ours.append(try MerkleProofs.inclusionProof(index: UInt64(index), size: UInt64(size), node: tree.node).map(\.hex))
            }
            for old in Set([1, size / 3, size - 1, size]) where old >= 1 && old <= size {
                queries.append(["kind": 2, "old": old, "new": size])
                ours.append(try MerkleProofs.consistencyProof(oldSize: UInt64(old), newSize: UInt64(size), node: tree.node).map(\.hex))
            }
        }
        let kinds = ["root", "inclusion", "consistency"]
        let request: [String: Any] = [
            "leaves": leaves.map { $0.map { String(format: "%02x", $0) }.joined() },
            "queries": queries.map { query in
                query.reduce(into: [String: Any]()) { $0[$1.key] = $1.key == "kind" ? kinds[$1.value] as Any : $1.value as Any }
            },
        ]
        let answers = try PythonOracle.run(request) as? [Any]
        #expect(answers?.count == ours.count)
        for (index, (answer, mine)) in zip(answers ?? [], ours).enumerated() {
            #expect(String(describing: answer) == String(describing: mine), "query \(queries[index])")
        }
        #expect(try MerkleProofs.root(size: 70, node: tree.node) == tree.range.root)
    }

    @Test func proofsVerifyAndTamperedOnesDoNot() throws {
        let tree = Self.tree(Self.leaves(100))
        for size: UInt64 in [1, 2, 6, 64, 99, 100] {
            let root = try MerkleProofs.root(size: size, node: tree.node)
            for index in [0, size / 3, size - 1] {
                let leaf = try tree.node(0, index)
                let proof = try MerkleProofs.inclusionProof(index: index, size: size, node: tree.node)
                #expect(MerkleProofs.verifyInclusion(leaf: leaf, index: index, size: size, proof: proof, root: root))
                #expect(!MerkleProofs.verifyInclusion(leaf: MerkleHash.leaf([9]), index: index, size: size, proof: proof, root: root))
                if !proof.isEmpty {
                    var bad = proof
                    bad[0].bytes[0] ^= 1
                    #expect(!MerkleProofs.verifyInclusion(leaf: leaf, index: index, size: size, proof: bad, root: root))
                    #expect(!MerkleProofs.verifyInclusion(leaf: leaf, index: index, size: size, proof: Array(proof.dropLast()), root: root))
                }
            }
            for old in [1, size / 2, size - 1] where old >= 1 {
                let oldRoot = try MerkleProofs.root(size: old, node: tree.node)
                let proof = try MerkleProofs.consistencyProof(oldSize: old, newSize: size, node: tree.node)
                #expect(MerkleProofs.verifyConsistency(oldSize: old, newSize: size, oldRoot: oldRoot, newRoot: root, proof: proof))
                if old < size {
                    var bad = proof
                    bad[bad.count - 1].bytes[5] ^= 0x80
                    #expect(!MerkleProofs.verifyConsistency(oldSize: old, newSize: size, oldRoot: oldRoot, newRoot: root, proof: bad))
                    #expect(!MerkleProofs.verifyConsistency(oldSize: old, newSize: size, oldRoot: root, newRoot: root, proof: proof))
                }
            }
        }
    }

    @Test func aCompactRangeRebuiltFromStoredNodesContinuesIdentically() throws {
        var tree = Self.tree(Self.leaves(37))
        var rebuilt = try CompactRange(size: 37, node: tree.node)
        #expect(rebuilt == tree.range)
        for extra in 0..<20 {
            let leaf = MerkleHash.leaf(Array("more-\(extra)".utf8))
            tree.append(Array("more-\(extra)".utf8))
            rebuilt.append(leaf)
        }
        #expect(rebuilt.root == tree.range.root)
    }
}

/// Runs TestSupport/merkle_oracle.py with the request on stdin.
enum PythonOracle {
    static func run(_ request: Any) throws -> Any {
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("TestSupport/merkle_oracle.py")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", script.path]
        let input = Pipe()
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        input.fileHandleForWriting.write(try JSONSerialization.data(withJSONObject: request))
        try input.fileHandleForWriting.close()
        try output.fileHandleForWriting.close()
        var data = Data()
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = read(output.fileHandleForReading.fileDescriptor, &buffer, buffer.count)
            if count > 0 { data.append(contentsOf: buffer[0..<count]) } else if count < 0 && errno == EINTR { continue } else { break }
        }
        process.waitUntilExit()
        return try JSONSerialization.jsonObject(with: data)
    }
}
