/// A multi-pattern matcher over Unicode scalars (Aho–Corasick), built once per policy version.
///
/// Built with per-state edge lists, then frozen into flat arrays (edges of a state are one sorted slice
/// of `edgeScalars`/`edgeTargets`, outputs one slice of `outputIDs`): scanning touches no nested arrays,
/// so it does no reference counting and no allocation except for the matches it returns. Root transitions
/// for the Basic Multilingual Plane are a dense table, so most scalars cost one lookup.
struct AhoCorasick: Sendable {
    /// One occurrence: which pattern, and where in the scanned text.
    struct Match: Sendable {
        var pattern: Int
        var range: Range<Int>
    }

    private let edgeStart: [Int32]
    private let edgeScalars: [UInt32]
    private let edgeTargets: [Int32]
    private let failure: [Int32]
    private let outputStart: [Int32]
    private let outputIDs: [Int32]
    private let patternLengths: [Int32]
    /// Root transitions for scalars below 0x10000.
    private let rootTable: [Int32]

    init(patterns: [[Unicode.Scalar]]) {
        var builder = Builder()
        for (id, pattern) in patterns.enumerated() where !pattern.isEmpty { builder.insert(pattern, id: id) }
        builder.linkFailures()
        patternLengths = patterns.map { Int32($0.count) }
        failure = builder.failure
        var edgeStart: [Int32] = [0]
        var edgeScalars: [UInt32] = []
        var edgeTargets: [Int32] = []
        var outputStart: [Int32] = [0]
        var outputIDs: [Int32] = []
        for state in builder.edges.indices {
            for (scalar, target) in builder.edges[state] {
                edgeScalars.append(scalar)
                edgeTargets.append(target)
            }
            edgeStart.append(Int32(edgeScalars.count))
            outputIDs.append(contentsOf: builder.outputs[state])
            outputStart.append(Int32(outputIDs.count))
        }
        var rootTable = [Int32](repeating: 0, count: 0x10000)
        for (scalar, target) in builder.edges[0] where scalar < 0x10000 { rootTable[Int(scalar)] = target }
        self.edgeStart = edgeStart
        self.edgeScalars = edgeScalars
        self.edgeTargets = edgeTargets
        self.outputStart = outputStart
        self.outputIDs = outputIDs
        self.rootTable = rootTable
    }

    @inline(__always)
    private func child(_ state: Int, _ scalar: UInt32) -> Int? {
        var low = Int(edgeStart[state])
        var high = Int(edgeStart[state + 1])
        while low < high {
            let mid = (low + high) / 2
            if edgeScalars[mid] < scalar { low = mid + 1 } else { high = mid }
        }
        return low < Int(edgeStart[state + 1]) && edgeScalars[low] == scalar ? Int(edgeTargets[low]) : nil
    }

    @inline(__always)
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

    /// Every occurrence, ordered by where it ends.
    func matches(in text: [Unicode.Scalar]) -> [Match] {
        var found: [Match] = []
        forEachMatch(in: text) { found.append($0) }
        return found
    }

    /// Calls `body` with every occurrence, ordered by where it ends, without collecting them first.
    @inline(__always)
    func forEachMatch(in text: [Unicode.Scalar], _ body: (Match) -> Void) {
        var state = 0
        for index in text.indices {
            state = step(state, text[index].value)
            var output = Int(outputStart[state])
            let outputEnd = Int(outputStart[state + 1])
            while output < outputEnd {
                let id = Int(outputIDs[output])
                body(Match(pattern: id, range: (index + 1 - Int(patternLengths[id]))..<(index + 1)))
                output += 1
            }
        }
    }

    /// Whether any pattern occurs (stops at the first).
    func containsMatch(in text: [Unicode.Scalar]) -> Bool {
        var state = 0
        for scalar in text {
            state = step(state, scalar.value)
            if outputStart[state] != outputStart[state + 1] { return true }
        }
        return false
    }

    /// The trie with failure links, in growable form.
    private struct Builder {
        /// Per state: sorted (scalar, target) edges.
        var edges: [[(UInt32, Int32)]] = [[]]
        var failure: [Int32] = [0]
        /// Pattern ids that end at each state (own and via failure links).
        var outputs: [[Int32]] = [[]]

        mutating func insert(_ pattern: [Unicode.Scalar], id: Int) {
            var state = 0
            for scalar in pattern {
                if let next = child(state, scalar.value) {
                    state = next
                } else {
                    let next = edges.count
                    edges.append([])
                    failure.append(0)
                    outputs.append([])
                    let index = edges[state].firstIndex { $0.0 > scalar.value } ?? edges[state].count
                    edges[state].insert((scalar.value, Int32(next)), at: index)
                    state = next
                }
            }
            outputs[state].append(Int32(id))
        }

        /// Breadth-first, so every state's failure target is final before its children need it.
        mutating func linkFailures() {
            var queue: [Int] = edges[0].map { Int($0.1) }
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
        }

        func child(_ state: Int, _ scalar: UInt32) -> Int? {
            let list = edges[state]
            var low = 0
            var high = list.count
            while low < high {
                let mid = (low + high) / 2
                if list[mid].0 < scalar { low = mid + 1 } else { high = mid }
            }
            return low < list.count && list[low].0 == scalar ? Int(list[low].1) : nil
        }
    }
}
