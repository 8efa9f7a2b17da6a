import Foundation
import HTTPTypes
import Hummingbird

/// Finds who is asking (session cookie or bearer token) and holds cookie-authenticated requests that
/// change something to the session's CSRF token and to the console's own origin.
struct AuthMiddleware: RouterMiddleware {
    typealias Context = ConsoleContext
    let accounts: AccountService

    static let sessionCookie = "cl_session"
    static let csrfHeader = HTTPField.Name("X-CSRF-Token")!
    static let csrfField = "_csrf"

    func handle(_ request: Request, context: ConsoleContext, next: (Request, ConsoleContext) async throws -> Response) async throws -> Response {
        var context = context
        var request = request
        let bearer = request.headers[.authorization].flatMap { header -> String? in
            header.lowercased().hasPrefix("bearer ") ? String(header.dropFirst(7)).trimmingCharacters(in: .whitespaces) : nil
        }
        context.principal = try await accounts.principal(sessionToken: request.cookies[Self.sessionCookie]?.value, bearerToken: bearer)
        if case .session(let csrf, _) = context.principal?.credential, !Self.isSafe(request.method) {
            try Self.checkOrigin(request)
            if let header = request.headers[Self.csrfHeader] {
                guard SecretToken.equal(header, csrf) else { throw HTTPError(.forbidden, message: "the CSRF token does not match this session; reload the page") }
            } else if request.headers[.contentType]?.hasPrefix("application/x-www-form-urlencoded") == true {
                let body = try await request.collectBody(upTo: 1 << 20)
                let form = FormBody(String(buffer: body))
                guard let field = form[Self.csrfField], SecretToken.equal(field, csrf) else {
                    throw HTTPError(.forbidden, message: "the form's CSRF token is missing or does not match this session; reload the page")
                }
            } else {
                throw HTTPError(.forbidden, message: "requests signed in by cookie must send the X-CSRF-Token header (GET /api/v1/auth/me returns it)")
            }
        }
        return try await next(request, context)
    }

    static func isSafe(_ method: HTTPRequest.Method) -> Bool { [.get, .head, .options].contains(method) }

    /// Sign-in has no session, so no CSRF token: another site's page must not sign a victim into the
    /// attacker's account. Browsers name the page a POST comes from (`Origin`, `Sec-Fetch-Site`); anything but
    /// this console's own origin is refused, including the opaque `null` of sandboxed frames.
    static func checkLoginOrigin(_ request: Request) throws {
        if request.headers[HTTPField.Name("Sec-Fetch-Site")!] == "cross-site" {
            throw HTTPError(.forbidden, message: "cross-site sign-in refused")
        }
        if request.headers[.origin] == "null" { throw HTTPError(.forbidden, message: "sign-in from an opaque origin refused") }
        try checkOrigin(request)
    }

    /// A browser always names the page a request comes from; another site's page is refused.
    static func checkOrigin(_ request: Request) throws {
        guard let origin = request.headers[.origin], origin != "null" else { return }
        let host = request.head.authority ?? ""
        let originHost = origin.split(separator: "/", omittingEmptySubsequences: true).dropFirst().first.map(String.init) ?? ""
        guard originHost == host else { throw HTTPError(.forbidden, message: "cross-site request refused (origin \(origin))") }
    }
}

/// An `application/x-www-form-urlencoded` body.
struct FormBody {
    private var fields: [(String, String)] = []

    init(_ text: String) {
        for pair in text.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decode(_ part: Substring) -> String {
                String(part).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? String(part)
            }
            fields.append((decode(parts[0]), parts.count > 1 ? decode(parts[1]) : ""))
        }
    }

    subscript(name: String) -> String? { fields.first { $0.0 == name }?.1 }

    func all(_ name: String) -> [String] { fields.filter { $0.0 == name }.map(\.1) }
}
