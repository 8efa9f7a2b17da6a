import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Sends one HTTP request and returns the status and body; the seam tests and proxies plug into.
public protocol HTTPTransport: Sendable {
    func send(method: String, url: URL, body: [UInt8]?, headers: [String: String]) async throws -> (status: Int, body: [UInt8])
}

extension HTTPTransport {
    public func send(method: String, url: URL, body: [UInt8]?, contentType: String) async throws -> (status: Int, body: [UInt8]) {
        try await send(method: method, url: url, body: body, headers: ["Content-Type": contentType])
    }

    /// Sends a JSON body (WeCom's APIs).
    public func send(method: String, url: URL, body: [UInt8]?) async throws -> (status: Int, body: [UInt8]) {
        try await send(method: method, url: url, body: body, contentType: "application/json; charset=utf-8")
    }
}

/// `URLSession` (libcurl on Linux) as the transport.
public struct URLSessionTransport: HTTPTransport {
    let session: URLSession

    public init(timeoutSeconds: Double = 30) {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = timeoutSeconds
        session = URLSession(configuration: configuration)
    }

    public func send(method: String, url: URL, body: [UInt8]?, headers: [String: String]) async throws -> (status: Int, body: [UInt8]) {
        var request = URLRequest(url: url)
        request.httpMethod = method
        if let body { request.httpBody = Data(body) }
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        let data: Data
        let response: URLResponse
        do {
            (data, response) = try await session.data(for: request)
        } catch let error as CancellationError {
            throw error
        } catch {
            // URLSession's errors carry the URL (and its secret query parameters) in their text.
            throw HTTPTransportError(description: SecretRedaction.redact("\(error)"))
        }
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, Array(data))
    }
}

/// A request that got no HTTP answer (no connection, timeout, TLS failure), described without the secrets of its URL.
public struct HTTPTransportError: Error, Sendable, CustomStringConvertible {
    public var description: String

    public init(description: String) { self.description = description }
}
