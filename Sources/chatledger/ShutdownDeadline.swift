import Dispatch
import Foundation
import Logging

/// A backstop for a graceful shutdown that cannot finish (a service suspended in a call that never returns): once
/// SIGTERM or SIGINT has arrived, the process exits after `seconds` whatever is still running, so a supervisor never
/// waits on it for ever. A clean shutdown ends the process long before.
final class ShutdownDeadline: @unchecked Sendable {
    private var sources: [any DispatchSourceSignal] = []
    private let seconds: Double
    private let logger: Logger

    /// `CHATLEDGER_SHUTDOWN_SECONDS` overrides the default of 30 seconds.
    init(logger: Logger, environment: [String: String] = ProcessInfo.processInfo.environment) {
        seconds = environment["CHATLEDGER_SHUTDOWN_SECONDS"].flatMap(Double.init).map { max(1, $0) } ?? 30
        self.logger = logger
    }

    /// Starts watching; ServiceLifecycle handles the signals themselves (it sets their default action aside).
    func arm() {
        let queue = DispatchQueue(label: "chatledger.shutdown-deadline")
        for signal in [SIGTERM, SIGINT] {
            let source = DispatchSource.makeSignalSource(signal: signal, queue: queue)
            source.setEventHandler { [seconds, logger] in
                queue.asyncAfter(deadline: .now() + seconds) {
                    logger.error("chatledger.shutdown.deadline", metadata: ["seconds": "\(seconds)"])
                    exit(1)
                }
            }
            source.resume()
            sources.append(source)
        }
    }
}
