/// One request to the SDK worker process, one JSON object per line on its standard input.
public struct FinanceSDKWorkerRequest: Codable, Sendable {
    public enum Operation: String, Codable, Sendable { case initialize, chatData, decrypt, media }
    public var op: Operation
    public var corpID: String?
    public var secret: String?
    public var seq: UInt64?
    public var limit: UInt32?
    public var key: String?
    public var message: String?
    public var sdkFileID: String?
    public var indexBuffer: String?
    public var proxy: String?
    public var password: String?
    public var timeout: Int32?

    public init(op: Operation, corpID: String? = nil, secret: String? = nil, seq: UInt64? = nil, limit: UInt32? = nil,
                key: String? = nil, message: String? = nil, sdkFileID: String? = nil, indexBuffer: String? = nil,
                proxy: String? = nil, password: String? = nil, timeout: Int32? = nil) {
        self.op = op
        self.corpID = corpID
        self.secret = secret
        self.seq = seq
        self.limit = limit
        self.key = key
        self.message = message
        self.sdkFileID = sdkFileID
        self.indexBuffer = indexBuffer
        self.proxy = proxy
        self.password = password
        self.timeout = timeout
    }
}

/// The worker's answer, one JSON object per line on its protocol channel.
public struct FinanceSDKWorkerResponse: Codable, Sendable {
    /// 0 on success, else the SDK's return code (or 10000 for a malformed request).
    public var code: Int
    public var error: String?
    /// Base64 of the bytes the SDK returned (chat data JSON, message JSON or a media chunk).
    public var data: String?
    public var indexBuffer: String?
    public var finished: Bool?

    public init(code: Int, error: String? = nil, data: String? = nil, indexBuffer: String? = nil, finished: Bool? = nil) {
        self.code = code
        self.error = error
        self.data = data
        self.indexBuffer = indexBuffer
        self.finished = finished
    }
}
