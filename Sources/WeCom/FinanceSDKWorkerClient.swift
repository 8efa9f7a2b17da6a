import ArchiveModel
import Foundation

/// The vendor's Finance SDK, used through a supervised worker process (`chatledger sdk-worker`).
///
/// A crash or hang of the SDK kills only the worker: the call in flight fails with `sdk-crashed`
/// (its envelope is quarantined, never lost), and the next call starts a fresh worker and initialises it again.
/// Calls are serialised: the SDK handle must not be used concurrently (protocol reference §7).
public final class FinanceSDKWorkerClient: ChatMessageDecrypting, ChatDataSource, MediaSource, @unchecked Sendable {
    public struct Configuration: Sendable {
        /// The worker command line, e.g. `["/usr/local/bin/chatledger", "sdk-worker", "--library", "/opt/sdk/libWeWorkFinanceSdk_C.so"]`.
        public var command: [String]
        /// Extra environment for the worker, added to the little of this process's it inherits
        /// (``FinanceSDKWorkerClient/workerEnvironment(inherited:extra:)``).
        public var environment: [String: String]
        public var corpID: String
        /// The 会话内容存档 secret (not an app secret).
        public var secret: String
        public var proxy: String
        public var proxyPassword: String
        /// The SDK's own network timeout, seconds.
        public var sdkTimeout: Int32
        /// How long one call may take before the worker is considered hung and killed.
        public var callTimeoutSeconds: Double

        public init(command: [String], environment: [String: String] = [:], corpID: String, secret: String, proxy: String = "",
                    proxyPassword: String = "", sdkTimeout: Int32 = 30, callTimeoutSeconds: Double = 60) {
            self.command = command
            self.environment = environment
            self.corpID = corpID
            self.secret = secret
            self.proxy = proxy
            self.proxyPassword = proxyPassword
            self.sdkTimeout = sdkTimeout
            self.callTimeoutSeconds = callTimeoutSeconds
        }
    }

    private let configuration: Configuration
    private let lock = NSLock()
    private var worker: WorkerProcess?
    private var restartCount = 0

    public init(configuration: Configuration) {
        self.configuration = configuration
    }

    deinit { worker?.stop() }

    /// How many times a worker died and was replaced.
    public var restarts: Int { lock.withLock { restartCount } }

    /// Variables the worker inherits by name: what a process needs to run, load a library and reach the network.
    public static let inheritedVariables: Set<String> = [
        "PATH", "HOME", "USER", "LOGNAME", "LANG", "LANGUAGE", "TZ", "TMPDIR", "LD_LIBRARY_PATH", "DYLD_LIBRARY_PATH",
        "SSL_CERT_FILE", "SSL_CERT_DIR", "http_proxy", "https_proxy", "no_proxy", "HTTP_PROXY", "HTTPS_PROXY", "NO_PROXY",
        "all_proxy", "ALL_PROXY",
    ]

    /// The worker's environment: from `inherited`, only ``inheritedVariables``, the locale (`LC_*`) and the Finance
    /// SDK's own settings (`FINANCE_*`); then `extra`.
    ///
    /// The vendor's library runs in the worker and needs none of this process's secrets: the master key, the database
    /// and blob store URLs, cloud credentials (`AWS_*`) and every other `CHATLEDGER_*` setting stay behind. The archive
    /// secret travels in the `initialize` request, never in the environment.
    public static func workerEnvironment(inherited: [String: String], extra: [String: String]) -> [String: String] {
        inherited.filter { name, _ in
            inheritedVariables.contains(name) || name.hasPrefix("LC_") || name.hasPrefix("FINANCE_")
        }.merging(extra) { $1 }
    }

    public func decryptData(randomKey: String, encryptedMessage: String) throws(WeComError) -> [UInt8] {
        let response = try call(FinanceSDKWorkerRequest(op: .decrypt, key: randomKey, message: encryptedMessage))
        return try Self.bytes(response)
    }

    public func chatData(after seq: UInt64, limit: Int) async throws(WeComError) -> [ChatDataItem] {
        let response = try call(FinanceSDKWorkerRequest(
            op: .chatData, seq: seq, limit: UInt32(min(max(limit, 1), 1000)), proxy: configuration.proxy,
            password: configuration.proxyPassword, timeout: configuration.sdkTimeout))
        return try ChatDataResponse.parse(try Self.bytes(response)).chatdata
    }

    public func mediaChunk(sdkFileID: String, indexBuffer: String) async throws(WeComError) -> MediaChunk {
        let response = try call(FinanceSDKWorkerRequest(
            op: .media, sdkFileID: sdkFileID, indexBuffer: indexBuffer, proxy: configuration.proxy,
            password: configuration.proxyPassword, timeout: configuration.sdkTimeout))
        return MediaChunk(data: try Self.bytes(response), nextIndexBuffer: response.indexBuffer ?? "",
                          isFinished: response.finished ?? true)
    }

    private static func bytes(_ response: FinanceSDKWorkerResponse) throws(WeComError) -> [UInt8] {
        guard let text = response.data, let data = Data(base64Encoded: text) else {
            throw WeComError(.sdkError, "the SDK worker answered without data")
        }
        return Array(data)
    }

    private func call(_ request: FinanceSDKWorkerRequest) throws(WeComError) -> FinanceSDKWorkerResponse {
        lock.lock()
        defer { lock.unlock() }
        let current: WorkerProcess
        if let worker, worker.isRunning {
            current = worker
        } else {
            if worker != nil { restartCount += 1 }
            worker?.stop()
            current = try WorkerProcess(configuration: configuration)
            worker = current
            let initialised = try exchange(FinanceSDKWorkerRequest(op: .initialize, corpID: configuration.corpID,
                                                                    secret: configuration.secret), with: current)
            guard initialised.code == 0 else {
                throw WeComError(.sdkError, "Init failed in the SDK worker (\(initialised.code)): \(initialised.error ?? "")",
                                 sdkCode: initialised.code)
            }
        }
        let response = try exchange(request, with: current)
        guard response.code == 0 else {
            throw WeComError(.sdkError, "\(request.op.rawValue): SDK code \(response.code)\(response.error.map { " (\($0))" } ?? "")",
                             sdkCode: response.code)
        }
        return response
    }

    private func exchange(_ request: FinanceSDKWorkerRequest, with process: WorkerProcess) throws(WeComError) -> FinanceSDKWorkerResponse {
        guard let line = try? JSONEncoder().encode(request) else {
            throw WeComError(.sdkError, "cannot encode the worker request")
        }
        guard let answer = process.send(Array(line) + [UInt8(ascii: "\n")], timeoutSeconds: configuration.callTimeoutSeconds),
              let response = try? JSONDecoder().decode(FinanceSDKWorkerResponse.self, from: Data(answer)) else {
            let status = process.stop()
            throw WeComError(.sdkCrashed, "the SDK worker died during \(request.op.rawValue) (\(status)); a new worker starts with the next call")
        }
        return response
    }
}

/// A worker child process with a line-oriented pipe protocol.
final class WorkerProcess {
    private let process = Process()
    private let input = Pipe()
    private let output = Pipe()
    private var buffer: [UInt8] = []

    init(configuration: FinanceSDKWorkerClient.Configuration) throws(WeComError) {
        guard let executable = configuration.command.first else {
            throw WeComError(.sdkError, "no SDK worker command configured")
        }
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = Array(configuration.command.dropFirst())
        process.environment = FinanceSDKWorkerClient.workerEnvironment(inherited: ProcessInfo.processInfo.environment,
                                                                       extra: configuration.environment)
        process.standardInput = input
        process.standardOutput = output
        do {
            try process.run()
        } catch {
            throw WeComError(.sdkError, "cannot start the SDK worker \(executable): \(error)")
        }
    }

    var isRunning: Bool { process.isRunning }

    /// Writes `request` and waits for one answer line; `nil` when the worker died or timed out.
    func send(_ request: [UInt8], timeoutSeconds: Double) -> [UInt8]? {
        let written = request.withUnsafeBytes { buffer -> Bool in
            var offset = 0
            while offset < buffer.count {
                let n = Foundation.write(input.fileHandleForWriting.fileDescriptor, buffer.baseAddress! + offset, buffer.count - offset)
                if n < 0 && errno == EINTR { continue }
                if n <= 0 { return false }
                offset += n
            }
            return true
        }
        guard written else { return nil }
        let deadline = Date().addingTimeInterval(timeoutSeconds)
        let fd = output.fileHandleForReading.fileDescriptor
        while true {
            if let newline = buffer.firstIndex(of: UInt8(ascii: "\n")) {
                let line = Array(buffer[..<newline])
                buffer.removeSubrange(...newline)
                return line
            }
            let remaining = deadline.timeIntervalSinceNow
            guard remaining > 0 else { return nil }
            var descriptor = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let ready = poll(&descriptor, 1, Int32(min(remaining, 1) * 1000))
            if ready < 0 && errno != EINTR { return nil }
            guard ready > 0 else { continue }
            var chunk = [UInt8](repeating: 0, count: 65536)
            let n = read(fd, &chunk, chunk.count)
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { return nil }
            buffer += chunk[0..<n]
        }
    }

    /// Stops the worker (killing it if needed) and describes how it ended.
    @discardableResult
    func stop() -> String {
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
        }
        process.waitUntilExit()
        try? input.fileHandleForWriting.close()
        return process.terminationReason == .uncaughtSignal
            ? "signal \(process.terminationStatus)" : "exit status \(process.terminationStatus)"
    }
}
