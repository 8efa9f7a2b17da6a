import Hummingbird

/// The request context of every console route: who is asking, once the authenticator has looked.
public struct ConsoleContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    public var principal: Principal?

    public init(source: Source) {
        coreContext = .init(source: source)
        principal = nil
    }

    /// The signed-in user, or 401.
    public func requirePrincipal() throws -> Principal {
        guard let principal else {
            throw HTTPError(.unauthorized, message: "sign in first: POST /api/v1/auth/login, then send the cookie or Authorization: Bearer TOKEN")
        }
        return principal
    }
}
