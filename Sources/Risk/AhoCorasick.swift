/// A multi-pattern matcher over Unicode scalars (Aho–Corasick), built once per policy version.
///
/// Transitions of the root are a dense table for the Basic Multilingual Plane's most used blocks
/// (ASCII and CJK); deeper states keep small sorted edge lists. Failure links are followed at build time
/// into a full goto function only where it pays (the root), so scanning does one lookup per scalar in
/// the common case.
struct AhoCorasick: Sendable {
    /// Per state: sorted (scalar, target) edges.
    private var edges: [[(UInt32, Int32)]] = [[]]
    private var failure: [Int32] = [0]
    /// Pattern ids that end at each state (own and via failure links).
    private var outputs: [[Int32]] = [[]]
    private var depth: [Int32] = [0]
    /// Root transitions for scalars below 0x10000.
    private var rootTable: [Int32] = []

    init(patterns: [[Unicode.Scalar]]) {
        patternLengths = patterns.map(\.count)
        for (id, pattern) in patterns.enumerated() where !pattern.isEmpty {
            var state = 0
            for scalar in pattern {
                if let next = child(state, scalar.value) {
                    state = next
                } else {
                    let next = edges.count
                    edges.append([])
                    failure.append(0)
                    outputs.append([])
                    depth.append(depth[state] + 1)
                    insertEdge(state, scalar.value, Int32(next))
                    state = next
                }
            }
            outputs[state].append(Int32(id))
        }
        var queue: [Int] = []
        for (_, target) in edges[0] {
            queue.append(Int(target))
        }
        var head = 0
        while head < queue.count {
            let state = queue[head]
            head += 1
            for (scalar, target) in edges[state] {
                var fallback = Int(failure[state])
                while fallback != 0 && child(fallback, scalar) == nil { fallback = Int(failure[fallback]) }
                let link = child(fallback, scalar).map { $0 == Int(target) ? 0 : $0 } ?? 0
                failure[Int(target)] = Int32(link)
                outputs[Int(target)] += outputs[link]
                queue.append(Int(target))
            }
        }
        rootTable = [Int32](repeating: 0, count: 0x10000)
        for (scalar, target) in edges[0] where scalar < 0x10000 { rootTable[Int(scalar)] = target }
    }

    private func child(_ state: Int, _ scalar: UInt32) -> Int? {
        let list = edges[state]
        var low = 0
        var high = list.count
        while low < high {
            let mid = (low + high) / 2
            if list[mid].0 < scalar { low = mid + 1 } else { high = mid }
        }
        return low < list.count && list[low].0 == scalar ? Int(list[low].1) : nil
    }

    private mutating func insertEdge(_ state: Int, _ scalar: UInt32, _ target: Int32) {
        let index = edges[state].firstIndex { $0.0 > scalar } ?? edges[state].count
        edges[state].insert((scalar, target), at: index)
    }

    private func step(_ state: Int, _ scalar: UInt32) -> Int {
        var current = state
        while true {
            if current == 0 {
                return scalar < 0x10000 ? Int(rootTable[Int(scalar)]) : (child(0, scalar) ?? 0)
            }
            if let next = child(current, scalar) { return next }
            current = Int(failure[current])
        }
    }

    /// Every (pattern id, range in `text`) occurrence.
    func matches(in text: [Unicode.Scalar]) -> [(pattern: Int, range: Range<Int>)] {
        var found: [(Int, Range<Int>)] = []
        var state = 0
        for (index, scalar) in text.enumerated() {
            state = step(state, scalar.value)
            for id in outputs[state] {
                found.append((Int(id), (index + 1 - patternLengths[Int(id)])..<(index + 1)))
            }
        }
        return found
    }

    /// Whether any pattern occurs (stops at the first).
    func containsMatch(in text: [Unicode.Scalar]) -> Bool {
        var state = 0
        for scalar in text {
            state = step(state, scalar.value)
            if !outputs[state].isEmpty { return true }
        }
        return false
    }

    private var patternLengths: [Int] = []
}
