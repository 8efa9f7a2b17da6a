import Foundation
import Insights

extension SentimentModel {
    /// The model shipped with ChatLedger. Loaded here, by the caller, so `Insights` stays pure (no file I/O).
    public static let shipped: SentimentModel? = {
        guard let url = Bundle.module.url(forResource: "sentiment", withExtension: "model"),
              let data = try? Data(contentsOf: url) else { return nil }
        return try? SentimentModel(serialized: Array(data))
    }()
}
