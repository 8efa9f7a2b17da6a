import Foundation

/// The loop inside `chatledger sdk-worker`: reads requests, calls the vendor SDK, writes answers.
///
/// The SDK may write to standard output itself, so the protocol moves to a duplicate of the original
/// stdout and file descriptor 1 is pointed at stderr before the library is loaded.
public enum FinanceSDKWorkerServer {
    public static func run(libraryPath: String) -> Int32 {
        let protocolFD = dup(STDOUT_FILENO)
        dup2(STDERR_FILENO, STDOUT_FILENO)
        let output = FileHandle(fileDescriptor: protocolFD, closeOnDealloc: true)
        let library: FinanceSDKLibrary
        do {
            library = try FinanceSDKLibrary(path: libraryPath)
        } catch {
            write(FinanceSDKWorkerResponse(code: 10000, error: error.message), to: output)
            return 1
        }
        let decoder = JSONDecoder()
        while let line = readLine(strippingNewline: true) {
            guard let request = try? decoder.decode(FinanceSDKWorkerRequest.self, from: Data(line.utf8)) else {
                write(FinanceSDKWorkerResponse(code: 10000, error: "malformed request"), to: output)
                continue
            }
            write(handle(request, library: library), to: output)
        }
        return 0
    }

    static func handle(_ request: FinanceSDKWorkerRequest, library: FinanceSDKLibrary) -> FinanceSDKWorkerResponse {
        do {
            switch request.op {
            case .initialize:
                try library.initialize(corpID: request.corpID ?? "", secret: request.secret ?? "")
                return FinanceSDKWorkerResponse(code: 0)
            case .chatData:
                let bytes = try library.chatData(after: request.seq ?? 0, limit: request.limit ?? 1000, proxy: request.proxy ?? "",
                                                 password: request.password ?? "", timeout: request.timeout ?? 30)
                return FinanceSDKWorkerResponse(code: 0, data: Data(bytes).base64EncodedString())
            case .decrypt:
                let bytes = try library.decrypt(randomKey: request.key ?? "", encryptedMessage: request.message ?? "")
                return FinanceSDKWorkerResponse(code: 0, data: Data(bytes).base64EncodedString())
            case .media:
                let chunk = try library.mediaChunk(sdkFileID: request.sdkFileID ?? "", indexBuffer: request.indexBuffer ?? "",
                                                   proxy: request.proxy ?? "", password: request.password ?? "",
                                                   timeout: request.timeout ?? 30)
                return FinanceSDKWorkerResponse(code: 0, data: Data(chunk.data).base64EncodedString(),
                                                indexBuffer: chunk.nextIndexBuffer, finished: chunk.isFinished)
            }
        } catch {
            return FinanceSDKWorkerResponse(code: error.sdkCode ?? 10000, error: error.message)
        }
    }

    static func write(_ response: FinanceSDKWorkerResponse, to output: FileHandle) {
        var data = (try? JSONEncoder().encode(response)) ?? Data(#"{"code":10003}"#.utf8)
        data.append(UInt8(ascii: "\n"))
        output.write(data)
    }
}
