import Foundation
import Testing
import WeCom
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// `serve` is built from the same services as `demo` (one bootstrap): with a callback configured it answers WeCom's
/// `/wecom/callback`, and with a time-stamp authority configured its checkpoints ask it for tokens.
@Suite struct ServeCLITests {
    static let aesKey = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"

    @Test func serveAnswersTheCallbackAndAsksTheTimestampAuthority() async throws {
        let data = try CLI.temporaryFolder("serve")
        let tsa = try RecordingListener()
        defer { tsa.stop() }
        let port = CLI.freePort()
        let config = data + "/chatledger.json"
        try Data("""
            {"port": \(port), "data": "\(data)/archive", "tsaURL": "http://127.0.0.1:\(tsa.port)/",
             "callback": {"token": "serve-token", "encodingAESKey": "\(Self.aesKey)", "corpID": "ww-serve"}}
            """.utf8).write(to: URL(fileURLWithPath: config))
        // serve opens an existing archive (it never creates one, or its master key, where a mount was missing).
        let created = try CLI.run(["ingest", "--data", data + "/archive", "--simulate-seed", "5", "--rate", "50", "--stop-at", "20"])
        #expect(created.status == 0, "\(created.stderr)")
        let process = try CLI.start(["serve", "--config", config, "--admin-password", "serve-admin-1", "--simulate-seed", "5", "--rate", "30"])
        let log = data + "/serve.log"
        _ = FileManager.default.createFile(atPath: log, contents: nil)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        defer { if process.isRunning { process.terminate(); process.waitUntilExit() } }

        let crypto = try CallbackCrypto(token: "serve-token", encodingAESKey: Self.aesKey, receiveID: "ww-serve")
        let echo = try crypto.seal(Array("echo-1234".utf8), random: Array(repeating: 7, count: 16))
        let timestamp = "1700000000", nonce = "42"
        var components = URLComponents(string: "http://127.0.0.1:\(port)/wecom/callback")!
        components.queryItems = [URLQueryItem(name: "msg_signature", value: crypto.signature(timestamp: timestamp, nonce: nonce, encrypted: echo)),
                                 URLQueryItem(name: "timestamp", value: timestamp), URLQueryItem(name: "nonce", value: nonce),
                                 URLQueryItem(name: "echostr", value: echo)]
        var answered: (Int, String)?
        let deadline = Date().addingTimeInterval(60)
        while answered == nil && Date() < deadline && process.isRunning {
            if let (body, response) = try? await URLSession.shared.data(from: components.url!) {
                answered = ((response as? HTTPURLResponse)?.statusCode ?? 0, String(decoding: body, as: UTF8.self))
            } else {
                try await Task.sleep(for: .milliseconds(300))
            }
        }
        let output = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
        #expect(answered?.0 == 200 && answered?.1 == "echo-1234", "\(String(describing: answered))\n\(output)")
        // A forged signature is refused.
        components.queryItems?[0] = URLQueryItem(name: "msg_signature", value: String(repeating: "0", count: 40))
        let (_, refused) = try await URLSession.shared.data(from: components.url!)
        #expect((refused as? HTTPURLResponse)?.statusCode == 400)

        // Messages arrive, a checkpoint is due, and it asks the configured authority for a token.
        #expect(await tsa.waitForRequest(timeout: 60), "the TSA was never asked\n\(output)")
        #expect(tsa.firstRequest.hasPrefix("POST"), "\(tsa.firstRequest.prefix(200))")
    }
}

/// A TCP listener that records the first request it gets and answers 503: enough to see that a time-stamp request was
/// made, without a real authority.
final class RecordingListener: @unchecked Sendable {
    let port: Int
    private let fd: Int32
    private let lock = NSLock()
    private var request = ""

    init() throws {
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listener, $0, length) == 0 && getsockname(listener, $0, &length) == 0 }
        }
        guard bound, listen(listener, 8) == 0 else {
            close(listener)
            throw CocoaError(.fileWriteUnknown)
        }
        fd = listener
        port = Int(UInt16(bigEndian: address.sin_port))
        Thread.detachNewThread { [self] in
            while true {
                let client = accept(fd, nil, nil)
                guard client >= 0 else { return }
                var buffer = [UInt8](repeating: 0, count: 4096)
                let count = read(client, &buffer, buffer.count)
                if count > 0 {
                    lock.withLock { if request.isEmpty { request = String(decoding: buffer[0..<count], as: UTF8.self) } }
                }
                let answer = Array("HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".utf8)
                _ = write(client, answer, answer.count)
                close(client)
            }
        }
    }

    /// Closes the socket, which ends the accepting thread (it holds the listener until then).
    func stop() { shutdown(fd, Int32(SHUT_RDWR)); close(fd) }

    var firstRequest: String { lock.withLock { request } }

    func waitForRequest(timeout: Double) async -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if !firstRequest.isEmpty { return true }
            try? await Task.sleep(for: .milliseconds(300))
        }
        return false
    }
}
