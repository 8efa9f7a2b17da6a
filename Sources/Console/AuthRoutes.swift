import ArchiveStore
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// `POST /api/v1/auth/login`, `POST /api/v1/auth/logout`, `GET /api/v1/auth/me`.
enum AuthRoutes {
    struct LoginRequest: Decodable {
        var username: String
        var password: String
        var otp: String?
    }

    struct LoginResponse: ResponseEncodable {
        /// For `Authorization: Bearer`; the same value is set as the session cookie.
        var token: String
        /// Send as `X-CSRF-Token` with cookie-authenticated requests that change something.
        var csrf: String
        var user: UserJSON
    }

    struct MeResponse: ResponseEncodable {
        var user: String
        var displayName: String
        var roles: [String]
        var permissions: [String]
        var departments: [Int64]
        var csrf: String?
    }

    static func add(to router: Router<ConsoleContext>, services: ConsoleServices) {
        router.post("api/v1/auth/login") { request, context -> Response in
            // A cross-site form can post JSON-looking text too: sign-in accepts only this console's own pages.
            try AuthMiddleware.checkLoginOrigin(request)
            let login: LoginRequest
            do {
                login = try await request.decode(as: LoginRequest.self, context: context)
            } catch {
                throw HTTPError(.badRequest, message: "send JSON {\"username\": …, \"password\": …} (and \"otp\" when the account has a second factor)")
            }
            let session = try await openSession(services, username: login.username, password: login.password, otp: login.otp,
                                                clientAddress: clientAddress(of: context, request: request,
                                                                             trustedProxies: services.config.trustedProxies))
            var response = try LoginResponse(token: session.token, csrf: session.csrf, user: UserJSON(session.user))
                .response(from: request, context: context)
            response.setCookie(sessionCookie(session.token, services: services))
            return response
        }
        router.post("api/v1/auth/logout") { request, context -> Response in
            let principal = try context.requirePrincipal()
            if case .session(_, let tokenHash) = principal.credential {
                try await services.store.closeSession(tokenHash: tokenHash)
            } else if let header = request.headers[.authorization], header.lowercased().hasPrefix("bearer ") {
                try await services.store.closeSession(tokenHash: SecretToken.hash(String(header.dropFirst(7))))
            }
            var response = Response(status: .noContent)
            response.setCookie(expiredSessionCookie(services))
            return response
        }
        router.get("api/v1/auth/me") { _, context -> MeResponse in
            let principal = try context.requirePrincipal()
            return MeResponse(user: principal.username, displayName: principal.displayName, roles: principal.roles.map(\.rawValue).sorted(),
                              permissions: principal.permissions.map(\.rawValue).sorted(), departments: principal.departments.sorted(),
                              csrf: principal.csrfToken)
        }
    }

    /// Signs in, turning sign-in failures into HTTP errors with what to do.
    ///
    /// Every failure that does not prove the password is one 401 with one text, whether the name is unknown, the password
    /// wrong, the account locked or this address throttled on it: the answer never tells that a name exists. 429 (this
    /// address tried too often) and 503 (too many sign-ins queued) carry Retry-After and depend on no username.
    /// - Parameter clientAddress: the client's IP address (``clientAddress(of:)``), for the per-address throttle.
    static func openSession(_ services: ConsoleServices, username: String, password: String, otp: String?,
                            clientAddress: String? = nil) async throws -> AccountService.NewSession {
        do {
            return try await services.accounts.login(username: username, password: password, oneTimeCode: otp, clientAddress: clientAddress)
        } catch let error as AccountService.LoginError {
            switch error {
            case .badCredentials, .needsOneTimeCode, .disabled: throw HTTPError(.unauthorized, message: error.description)
            case .throttled(let seconds): throw HTTPError(.tooManyRequests, headers: [.retryAfter: "\(seconds)"], message: error.description)
            case .busy(let seconds): throw HTTPError(.serviceUnavailable, headers: [.retryAfter: "\(seconds)"], message: error.description)
            }
        }
    }

    /// The client's IP address: the connection's peer (``RemoteAddressRequestContext``), or — only when that peer is
    /// one of ``ConsoleConfig/trustedProxies`` — the nearest address in `X-Forwarded-For` that is not itself a trusted
    /// proxy. A header from anyone else is ignored, so a client cannot pick the address it is throttled under.
    static func clientAddress(of context: some RequestContext, request: Request? = nil, trustedProxies: [String] = []) -> String? {
        let peer = (context as? any RemoteAddressRequestContext)?.remoteAddress?.ipAddress
        guard let peer, let request, !trustedProxies.isEmpty, trustedProxies.contains(peer) else { return peer }
        return ForwardedFor.client(request.headers[values: HTTPField.Name("X-Forwarded-For")!], trustedProxies: trustedProxies) ?? peer
    }

    static func sessionCookie(_ token: String, services: ConsoleServices) -> Cookie {
        Cookie(name: AuthMiddleware.sessionCookie, value: token, maxAge: services.config.sessionHours * 3600, path: "/",
               secure: services.config.secureCookies, httpOnly: true, sameSite: .strict)
    }

    static func expiredSessionCookie(_ services: ConsoleServices) -> Cookie {
        Cookie(name: AuthMiddleware.sessionCookie, value: "", maxAge: 0, path: "/", secure: services.config.secureCookies,
               httpOnly: true, sameSite: .strict)
    }
}
