import ArchiveStore
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import Prometheus

/// The console's HTTP surface: the JSON API under `/api/v1`, the pages, `/healthz` and `/metrics`.
public enum ConsoleRouter {
    /// - Parameter extra: routes the composition root adds (the demo's WeCom callback).
    public static func build(services: ConsoleServices, extra: (Router<ConsoleContext>) -> Void = { _ in }) -> Router<ConsoleContext> {
        let router = Router(context: ConsoleContext.self)
        router.add(middleware: ErrorLoggingMiddleware(logger: services.logger))
        router.add(middleware: MetricsMiddleware())
        router.add(middleware: SecurityHeadersMiddleware())
        router.add(middleware: AuthMiddleware(accounts: services.accounts))
        // Load balancers ask often: one index lookup (the ledger's size), and 503 while the archive's database is away —
        // within three seconds, where a request for a connection to a vanished server waits for the pool to give up.
        router.get("healthz") { _, _ -> Response in
            do {
                let size = try await withThrowingTaskGroup(of: UInt64?.self) { group in
                    group.addTask { try await services.store.treeSize() }
                    group.addTask {
                        try await Task.sleep(for: .seconds(3))
                        return nil
                    }
                    defer { group.cancelAll() }
                    guard let first = try await group.next(), let size = first else {
                        throw StorageError("the archive did not answer within 3 seconds", unavailable: true)
                    }
                    return size
                }
                return jsonResponse(#"{"status":"ok","ledger_size":\#(size)}"#)
            } catch let error as StorageError where error.notFound {
            throw HTTPError(.notFound, message: error.description)
        } catch let error as StorageError where error.unavailable {
                services.logger.warning("chatledger.health.unavailable", metadata: ["error": "\(error)"])
                var response = jsonResponse(#"{"status":"unavailable"}"#)
                response.status = .serviceUnavailable
                response.headers[.retryAfter] = "5"
                return response
            }
        }
        let mediaBacklog = CachedValue<MediaBacklog>(lifetime: .seconds(30))
        router.get("metrics") { _, _ -> Response in
            // The attachment backlog (at most every 30 s: anyone may scrape): pending and given-up media are what an
            // operator must see before WeCom's retention runs out.
            if let backlog = await mediaBacklog.get({ try await services.store.mediaBacklog() }) {
                let gauges: [(String, String, Int)] = [
                    ("pending", "Attachments not yet stored (due now or backing off)", backlog.pending),
                    ("due", "Attachments due for a fetch now", backlog.due),
                    ("failed", "Attachments given up (past WeCom's retention or expired there)", backlog.failed),
                    ("stored", "Attachments stored", backlog.stored),
                ]
                for (name, help, value) in gauges {
                    services.metrics.makeGauge(descriptor: MetricNameDescriptor(namespace: "chatledger", subsystem: "media", metricName: name, unitName: "",
                                                                                helpText: help)).set(Int64(value))
                }
            }
            return Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                            body: .init(byteBuffer: ByteBuffer(bytes: services.metrics.emitToBuffer())))
        }
        router.get("api/v1/openapi.json") { _, _ -> Response in
            jsonResponse(OpenAPIDocument.json)
        }
        AuthRoutes.add(to: router, services: services)
        ContentRoutes.add(to: router, services: services)
        AlertRoutes.add(to: router, services: services)
        AdminRoutes.add(to: router, services: services)
        QualityRoutes.add(to: router, services: services)
        CaseRoutes.add(to: router, services: services)
        PageRoutes.add(to: router, services: services)
        extra(router)
        return router
    }

    static func jsonResponse(_ text: String, status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [.contentType: "application/json; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: text)))
    }
}

/// Pages may run only the console's own script and load only its own resources: a chat message that
/// slipped past escaping still could not run.
struct SecurityHeadersMiddleware: RouterMiddleware {
    typealias Context = ConsoleContext

    func handle(_ request: Request, context: ConsoleContext, next: (Request, ConsoleContext) async throws -> Response) async throws -> Response {
        var response = try await next(request, context)
        response.headers[.contentSecurityPolicy] =
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; media-src 'self' blob:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
        response.headers[.xContentTypeOptions] = "nosniff"
        response.headers[HTTPField.Name("Referrer-Policy")!] = "same-origin"
        response.headers[HTTPField.Name("X-Frame-Options")!] = "DENY"
        return response
    }
}

/// Unexpected errors become a 500 with a reference the log holds, never a stack trace or a dropped connection.
struct ErrorLoggingMiddleware: RouterMiddleware {
    typealias Context = ConsoleContext
    let logger: Logger

    func handle(_ request: Request, context: ConsoleContext, next: (Request, ConsoleContext) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as any HTTPResponseError {
            throw error
        } catch let error as StorageError where error.notFound {
            throw HTTPError(.notFound, message: error.description)
        } catch let error as StorageError where error.unavailable {
            // The archive's database is down or restarting: the request may be retried as it is.
            logger.warning("request waits for the archive", metadata: ["path": "\(request.uri.path)", "error": "\(error)"])
            throw HTTPError(.serviceUnavailable, headers: [.retryAfter: "5"],
                            message: "the archive's database cannot be reached just now; try again in a few seconds")
        } catch {
            let reference = UUID().uuidString.prefix(8).lowercased()
            logger.error("request failed", metadata: ["path": "\(request.uri.path)", "error": "\(error)", "reference": "\(reference)"])
            throw HTTPError(.internalServerError, message: "internal error (reference \(reference) in the server log)")
        }
    }
}
