import Hummingbird
import NIOCore

/// The request context of every console route: who is asking, once the authenticator has looked, and from where.
public struct ConsoleContext: RequestContext, RemoteAddressRequestContext {
    public var coreContext: CoreRequestContextStorage
    public var principal: Principal?
    /// The connection's peer (sign-in is throttled per address; forwarding headers are not trusted).
    public let remoteAddress: SocketAddress?

    public init(source: Source) {
        coreContext = .init(source: source)
        principal = nil
        remoteAddress = source.channel.remoteAddress
    }

    /// The signed-in user, or 401.
    public func requirePrincipal() throws -> Principal {
        guard let principal else {
            throw HTTPError(.unauthorized, message: "sign in first: POST /api/v1/auth/login, then send the cookie or Authorization: Bearer TOKEN")
        }
        return principal
    }
}
