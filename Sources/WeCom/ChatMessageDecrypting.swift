/// The `DecryptData` step: from the RSA-decrypted random key and `encrypt_chat_msg` to message JSON.
///
/// Two implementations exist: ``SdkEnvelope`` (pure Swift, experimental until cross-checked against
/// the vendor's library) and ``FinanceSDKWorkerClient`` (the vendor's library in an isolated process).
public protocol ChatMessageDecrypting: Sendable {
    /// - Parameters:
    ///   - randomKey: the plaintext of `encrypt_random_key` after RSA decryption.
    ///   - encryptedMessage: `encrypt_chat_msg` verbatim.
    /// - Returns: the message JSON bytes.
    func decryptData(randomKey: String, encryptedMessage: String) throws(WeComError) -> [UInt8]
}
