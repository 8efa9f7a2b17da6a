#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The vendor's Finance SDK (`libWeWorkFinanceSdk_C.so`) loaded with `dlopen`.
///
/// Only the SDK worker process (`chatledger sdk-worker`) creates one: the SDK is known to crash its host
/// on bad input, so the archive never loads it in its own process. Calls go through the slice and media
/// helper functions rather than struct layouts, as FFI wrappers are advised to.
public final class FinanceSDKLibrary {
    typealias NewSdkFn = @convention(c) () -> OpaquePointer?
    typealias InitFn = @convention(c) (OpaquePointer?, UnsafePointer<CChar>?, UnsafePointer<CChar>?) -> Int32
    typealias GetChatDataFn = @convention(c) (OpaquePointer?, UInt64, UInt32, UnsafePointer<CChar>?, UnsafePointer<CChar>?, Int32, OpaquePointer?) -> Int32
    typealias DecryptDataFn = @convention(c) (UnsafePointer<CChar>?, UnsafePointer<CChar>?, OpaquePointer?) -> Int32
    typealias GetMediaDataFn = @convention(c) (OpaquePointer?, UnsafePointer<CChar>?, UnsafePointer<CChar>?, UnsafePointer<CChar>?, UnsafePointer<CChar>?, Int32, OpaquePointer?) -> Int32
    typealias HandleFn = @convention(c) (OpaquePointer?) -> Void
    typealias NewFn = @convention(c) () -> OpaquePointer?
    typealias BytesFn = @convention(c) (OpaquePointer?) -> UnsafeMutablePointer<CChar>?
    typealias LengthFn = @convention(c) (OpaquePointer?) -> Int32

    private let library: UnsafeMutableRawPointer
    private let newSdk: NewSdkFn
    private let initSdk: InitFn
    private let getChatData: GetChatDataFn
    private let decryptData: DecryptDataFn
    private let getMediaData: GetMediaDataFn
    private let destroySdk: HandleFn
    private let newSlice: NewFn
    private let freeSlice: HandleFn
    private let sliceContent: BytesFn
    private let sliceLength: LengthFn
    private let newMediaData: NewFn
    private let freeMediaData: HandleFn
    private let mediaIndex: BytesFn
    private let mediaIndexLength: LengthFn
    private let mediaBytes: BytesFn
    private let mediaLength: LengthFn
    private let mediaFinished: LengthFn
    private var sdk: OpaquePointer?

    /// Loads the library at `path` and resolves every function of the SDK's C ABI.
    /// - Throws: ``WeComError`` `sdk-error` naming the missing library or symbol.
    public init(path: String) throws(WeComError) {
        guard let handle = dlopen(path, RTLD_NOW | RTLD_LOCAL) else {
            let reason = dlerror().map { String(cString: $0) } ?? "unknown"
            throw WeComError(.sdkError, "cannot load the Finance SDK at \(path): \(reason)")
        }
        library = handle
        func symbol<T>(_ name: String, as type: T.Type) throws(WeComError) -> T {
            guard let pointer = dlsym(handle, name) else {
                throw WeComError(.sdkError, "\(path) does not export \(name): is it libWeWorkFinanceSdk_C.so?")
            }
            return unsafeBitCast(pointer, to: type)
        }
        newSdk = try symbol("NewSdk", as: NewSdkFn.self)
        initSdk = try symbol("Init", as: InitFn.self)
        getChatData = try symbol("GetChatData", as: GetChatDataFn.self)
        decryptData = try symbol("DecryptData", as: DecryptDataFn.self)
        getMediaData = try symbol("GetMediaData", as: GetMediaDataFn.self)
        destroySdk = try symbol("DestroySdk", as: HandleFn.self)
        newSlice = try symbol("NewSlice", as: NewFn.self)
        freeSlice = try symbol("FreeSlice", as: HandleFn.self)
        sliceContent = try symbol("GetContentFromSlice", as: BytesFn.self)
        sliceLength = try symbol("GetSliceLen", as: LengthFn.self)
        newMediaData = try symbol("NewMediaData", as: NewFn.self)
        freeMediaData = try symbol("FreeMediaData", as: HandleFn.self)
        mediaIndex = try symbol("GetOutIndexBuf", as: BytesFn.self)
        mediaIndexLength = try symbol("GetIndexLen", as: LengthFn.self)
        mediaBytes = try symbol("GetData", as: BytesFn.self)
        mediaLength = try symbol("GetDataLen", as: LengthFn.self)
        mediaFinished = try symbol("IsMediaDataFinish", as: LengthFn.self)
    }

    deinit {
        if let sdk { destroySdk(sdk) }
        dlclose(library)
    }

    /// NewSdk + Init with the corp id and the 会话内容存档 secret.
    public func initialize(corpID: String, secret: String) throws(WeComError) {
        if let sdk { destroySdk(sdk) }
        sdk = newSdk()
        let code = initSdk(sdk, corpID, secret)
        guard code == 0 else {
            destroySdk(sdk)
            sdk = nil
            throw WeComError(.sdkError, "Init returned \(code): check the corp id and use the archive secret", sdkCode: Int(code))
        }
    }

    /// GetChatData: the raw JSON answer.
    public func chatData(after seq: UInt64, limit: UInt32, proxy: String, password: String, timeout: Int32) throws(WeComError) -> [UInt8] {
        guard let sdk else { throw WeComError(.sdkError, "the SDK is not initialised", sdkCode: 10000) }
        return try withSlice { slice in getChatData(sdk, seq, min(max(limit, 1), 1000), proxy, password, timeout, slice) }
    }

    /// DecryptData: the message JSON.
    public func decrypt(randomKey: String, encryptedMessage: String) throws(WeComError) -> [UInt8] {
        try withSlice { slice in decryptData(randomKey, encryptedMessage, slice) }
    }

    /// GetMediaData: one chunk.
    public func mediaChunk(sdkFileID: String, indexBuffer: String, proxy: String, password: String, timeout: Int32) throws(WeComError) -> MediaChunk {
        guard let sdk else { throw WeComError(.sdkError, "the SDK is not initialised", sdkCode: 10000) }
        guard let media = newMediaData() else { throw WeComError(.sdkError, "NewMediaData failed", sdkCode: 10003) }
        defer { freeMediaData(media) }
        let code = getMediaData(sdk, indexBuffer, sdkFileID, proxy, password, timeout, media)
        guard code == 0 else { throw WeComError(.sdkError, "GetMediaData returned \(code)", sdkCode: Int(code)) }
        let data = Self.bytes(mediaBytes(media), count: mediaLength(media))
        let index = String(decoding: Self.bytes(mediaIndex(media), count: mediaIndexLength(media)), as: UTF8.self)
        return MediaChunk(data: data, nextIndexBuffer: index, isFinished: mediaFinished(media) == 1)
    }

    private func withSlice(_ call: (OpaquePointer) -> Int32) throws(WeComError) -> [UInt8] {
        guard let slice = newSlice() else { throw WeComError(.sdkError, "NewSlice failed", sdkCode: 10003) }
        defer { freeSlice(slice) }
        let code = call(slice)
        guard code == 0 else { throw WeComError(.sdkError, "the SDK returned \(code)", sdkCode: Int(code)) }
        return Self.bytes(sliceContent(slice), count: sliceLength(slice))
    }

    private static func bytes(_ pointer: UnsafeMutablePointer<CChar>?, count: Int32) -> [UInt8] {
        guard let pointer, count > 0 else { return [] }
        return pointer.withMemoryRebound(to: UInt8.self, capacity: Int(count)) { Array(UnsafeBufferPointer(start: $0, count: Int(count))) }
    }
}
