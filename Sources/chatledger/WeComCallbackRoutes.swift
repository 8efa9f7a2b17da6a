import Hummingbird
import Ingest
import Logging
import WeCom

/// `/wecom/callback`: WeCom's URL verification (GET) and event delivery (POST) for the archive app.
/// A `msgaudit_notify` event wakes the pull loop at once.
enum WeComCallbackRoutes {
    static func add<Context: RequestContext>(to router: Router<Context>, crypto: CallbackCrypto, signal: PullSignal, logger: Logger) {
        router.get("wecom/callback") { request, _ -> Response in
            let query = request.uri.queryParameters
            do {
                let echo = try crypto.verifyURL(
                    signature: String(query["msg_signature"] ?? ""), timestamp: String(query["timestamp"] ?? ""),
                    nonce: String(query["nonce"] ?? ""), echo: String(query["echostr"] ?? ""))
                return Response(status: .ok, headers: [.contentType: "text/plain"], body: .init(byteBuffer: ByteBuffer(string: echo)))
            } catch let error as WeComError {
                return Response(status: .badRequest, body: .init(byteBuffer: ByteBuffer(string: error.message)))
            }
        }
        router.post("wecom/callback") { request, _ -> Response in
            let query = request.uri.queryParameters
            let body = try await request.body.collect(upTo: 64 * 1024)
            do {
                let event = try crypto.openEvent(
                    signature: String(query["msg_signature"] ?? ""), timestamp: String(query["timestamp"] ?? ""),
                    nonce: String(query["nonce"] ?? ""), body: String(buffer: body))
                if XMLField.value("Event", in: event) == "msgaudit_notify" { signal.notify() }
                return Response(status: .ok, body: .init(byteBuffer: ByteBuffer(string: "success")))
            } catch let error as WeComError {
                logger.warning("chatledger.callback.refused", metadata: ["chatledger.callback.reason": "\(error.code.rawValue)"])
                return Response(status: .badRequest, body: .init(byteBuffer: ByteBuffer(string: error.message)))
            }
        }
    }
}
