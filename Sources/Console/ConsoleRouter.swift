import Foundation
import HTTPTypes
import Hummingbird
import Logging
import Prometheus
import Storage

/// The console's HTTP surface: the JSON API under `/api/v1`, the pages, `/healthz` and `/metrics`.
public enum ConsoleRouter {
    /// - Parameter extra: routes the composition root adds (the demo's WeCom callback).
    public static func build(services: ConsoleServices, extra: (Router<ConsoleContext>) -> Void = { _ in }) -> Router<ConsoleContext> {
        let router = Router(context: ConsoleContext.self)
        router.add(middleware: ErrorLoggingMiddleware(logger: services.logger))
        router.add(middleware: MetricsMiddleware())
        router.add(middleware: SecurityHeadersMiddleware())
        router.add(middleware: AuthMiddleware(accounts: services.accounts))
        router.get("healthz") { _, _ -> Response in
            let stats = try await services.store.stats()
            return jsonResponse(#"{"status":"ok","messages":\#(stats.messages)}"#)
        }
        router.get("metrics") { _, _ -> Response in
            Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
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
        } catch {
            let reference = UUID().uuidString.prefix(8).lowercased()
            logger.error("request failed", metadata: ["path": "\(request.uri.path)", "error": "\(error)", "reference": "\(reference)"])
            throw HTTPError(.internalServerError, message: "internal error (reference \(reference) in the server log)")
        }
    }
}
