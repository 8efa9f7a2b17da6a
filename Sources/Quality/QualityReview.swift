/// Quality review (质检): how many conversations are sampled per employee and period, and the rubric they
/// are scored against.
public struct ReviewSettings: Sendable, Hashable, Codable {
    public struct Item: Sendable, Hashable, Codable {
        public var id: String
        public var name: String
        /// Relative weight; the total is the weighted mean of the items, 0–100.
        public var weight: Double
        public init(id: String, name: String, weight: Double) {
            self.id = id
            self.name = name
            self.weight = weight
        }
    }

    /// Share of each employee's conversations in a period to review (at least one when they had any).
    public var sampleRate: Double
    public var rubric: [Item]

    public init(sampleRate: Double = 0.1, rubric: [Item] = ReviewSettings.standardRubric) {
        self.sampleRate = sampleRate
        self.rubric = rubric
    }

    public static let standardRubric = [
        Item(id: "greeting", name: "问候与开场", weight: 15), Item(id: "accuracy", name: "解答准确", weight: 35),
        Item(id: "compliance", name: "合规用语", weight: 35), Item(id: "courtesy", name: "礼貌耐心", weight: 15),
    ]

    /// The weighted score of item scores given 0–100 (items not scored count as 0).
    /// - Throws: when a score is outside 0–100 or names an item the rubric does not have.
    public func total(_ scores: [String: Double]) throws(ReviewError) -> Double {
        for (id, score) in scores {
            guard rubric.contains(where: { $0.id == id }) else { throw ReviewError("the rubric has no item \(id)") }
            guard (0...100).contains(score) else { throw ReviewError("\(id) must be scored 0–100, not \(score)") }
        }
        let weights = rubric.reduce(0) { $0 + $1.weight }
        guard weights > 0 else { return 0 }
        return rubric.reduce(0) { $0 + $1.weight * (scores[$1.id] ?? 0) } / weights
    }

    /// Picks each employee's sample for a period: a stable pseudo-random share of their conversations,
    /// so running the sampling again gives the same sample.
    /// - Parameter conversations: (conversation, employee) pairs active in the period.
    public func sample(_ conversations: [(conversation: String, employee: String)], period: String) -> [(conversation: String, employee: String)] {
        var byEmployee: [String: [String]] = [:]
        for entry in conversations { byEmployee[entry.employee, default: []].append(entry.conversation) }
        var picked: [(conversation: String, employee: String)] = []
        for (employee, list) in byEmployee.sorted(by: { $0.key < $1.key }) {
            let unique = Array(Set(list))
            let count = max(1, Int((Double(unique.count) * sampleRate).rounded(.up)))
            let ordered = unique.sorted { Self.rank($0, employee, period) < Self.rank($1, employee, period) }
            picked += ordered.prefix(count).map { ($0, employee) }
        }
        return picked
    }

    /// FNV-1a over the ids and the period: stable across runs and platforms (Swift's hashing is seeded).
    static func rank(_ conversation: String, _ employee: String, _ period: String) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in (period + "|" + employee + "|" + conversation).utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01B3
        }
        return hash
    }
}

public struct ReviewError: Error, Sendable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
