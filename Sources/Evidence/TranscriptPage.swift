import Foundation
import Presentation

/// What the package's readable transcript shows: the export's facts, and each conversation's messages with
/// the cards the console would show, in Chinese and in English.
package struct Transcript: Sendable {
    /// The page's heading, e.g. the case or conversation name.
    package var title: String
    /// The case the export belongs to; `nil` shows a dash.
    package var caseName: String?
    /// When the package was exported (shown in UTC).
    package var exportedAt: Date
    /// Who exported it (console username).
    package var exportedBy: String
    /// The ledger origin of the checkpoint.
    package var origin: String
    /// The package checkpoint's tree size.
    package var treeSize: UInt64
    /// The package checkpoint's root, hex.
    package var rootHex: String
    /// The package checkpoint's time (shown in UTC).
    package var checkpointTime: Date
    /// In the order the page shows them.
    package var conversations: [Conversation]

    /// A transcript with every field given.
    package init(title: String, caseName: String?, exportedAt: Date, exportedBy: String, origin: String, treeSize: UInt64,
                 rootHex: String, checkpointTime: Date, conversations: [Conversation]) {
        self.title = title
        self.caseName = caseName
        self.exportedAt = exportedAt
        self.exportedBy = exportedBy
        self.origin = origin
        self.treeSize = treeSize
        self.rootHex = rootHex
        self.checkpointTime = checkpointTime
        self.conversations = conversations
    }

    /// One conversation, its messages in time order.
    package struct Conversation: Sendable {
        /// The heading in each language.
        package var title: (zh: String, en: String)
        /// In time order; each message appears exactly once in the page.
        package var messages: [Message]

        /// A conversation with its messages.
        package init(title: (zh: String, en: String), messages: [Message]) {
            self.title = title
            self.messages = messages
        }
    }

    /// One message leaf and its two cards. Media hrefs in the cards are relative (`media/<sha256>`).
    package struct Message: Sendable {
        /// `data-leaf`: the message leaf's index.
        package var leafIndex: UInt64
        /// The leaf hash, lowercase hex: `data-hash`, which check 7 compares with the proof.
        package var leafHashHex: String
        /// `data-msgid`: the msgid in the leaf.
        package var msgid: String
        /// The card built with the Chinese table.
        package var zh: MessageCard
        /// The same message's card built with the English table.
        package var en: MessageCard

        /// A message with both cards.
        package init(leafIndex: UInt64, leafHashHex: String, msgid: String, zh: MessageCard, en: MessageCard) {
            self.leafIndex = leafIndex
            self.leafHashHex = leafHashHex
            self.msgid = msgid
            self.zh = zh
            self.en = en
        }
    }
}

/// Renders `index.html`: one self-contained HTML5 page that opens from the unpacked package with no network
/// and no script.
///
/// Chinese by default; a checkbox (`#lang-en`) and CSS alone switch every bilingual part to English, so the page
/// works where scripts are blocked and prints as shown. Every message is one `<article class="message">`
/// carrying `data-leaf`, `data-msgid` and `data-hash`, which the verifiers tie to the proofs (check 7). Every
/// interpolated value goes through ``escape(_:)``; assets are only relative `media/` paths, and a link keeps
/// an `href` only when its card has one and it is http(s).
package enum TranscriptPage {
    /// The whole page.
    package static func render(_ transcript: Transcript) -> String {
        let zh = Localization.table("zh")
        let en = Localization.table("en")
        let messageCount = transcript.conversations.reduce(0) { $0 + $1.messages.count }
        var html = """
            <!doctype html>
            <html lang="zh-CN"><head><meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(escape(transcript.title)) · ChatLedger</title>
            <style>\(stylesheet)</style></head>
            <body>
            <input type="checkbox" id="lang-en">
            <header><span class="brand">ChatLedger \(both("证据包", "evidence package"))</span>
            <label for="lang-en">English</label></header>
            <main>

            """
        html += introduction(transcript, messageCount: messageCount)
        for conversation in transcript.conversations {
            let count = conversation.messages.count
            let countLabel = both("共 \(count) 条消息", "\(count) messages")
            html += "<section class=\"conversation\"><h2>\(both(conversation.title.zh, conversation.title.en)) "
            html += "<span class=\"muted\">\(countLabel)</span></h2>\n"
            html += "<div class=\"chat\">\n"
            for message in conversation.messages { html += article(message, zh: zh, en: en) }
            html += "</div></section>\n"
        }
        if transcript.conversations.isEmpty {
            html += "<p class=\"muted\">\(both("没有消息", "No messages"))</p>\n"
        }
        html += "</main>\n</body></html>\n"
        return html
    }

    /// Escapes text for HTML content and for quoted attribute values alike.
    package static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    // MARK: - Parts

    /// A phrase in both languages; CSS shows one. Both values are escaped here.
    private static func both(_ chinese: String, _ english: String) -> String {
        "<span class=\"zh\">\(escape(chinese))</span><span class=\"en\" lang=\"en\">\(escape(english))</span>"
    }

    private static func fact(_ chinese: String, _ english: String, _ value: String, code: Bool = false) -> String {
        let shown = code ? "<code>\(escape(value))</code>" : escape(value)
        return "<dt>\(both(chinese, english))</dt><dd>\(shown)</dd>\n"
    }

    /// What the page is, the export's facts, and how to verify the package.
    private static func introduction(_ transcript: Transcript, messageCount: Int) -> String {
        var html = "<section class=\"card intro\"><h1>\(escape(transcript.title))</h1>\n"
        html += """
            <p class="zh">本页是 ChatLedger 会话存档导出的证据包中的可读聊天记录。每条消息旁列出它在防篡改账本中的序号和哈希；\
            账本由签名检查点固定，可离线核验。</p>
            <p class="en" lang="en">This page is the readable transcript of an evidence package exported from the ChatLedger chat archive. \
            Beside each message are its index and hash in the tamper-evident ledger, which a signed checkpoint fixes and which \
            can be verified offline.</p>
            <dl class="facts">

            """
        html += fact("案件", "Case", transcript.caseName ?? "—")
        html += fact("导出人", "Exported by", transcript.exportedBy)
        html += fact("导出时间（UTC）", "Exported at (UTC)", EvidenceFormat.timestamp(transcript.exportedAt))
        html += fact("消息数", "Messages", "\(messageCount)")
        html += fact("账本来源", "Ledger origin", transcript.origin, code: true)
        html += fact("检查点记录数", "Checkpoint tree size", "\(transcript.treeSize)")
        html += fact("检查点根哈希", "Checkpoint root hash", transcript.rootHex, code: true)
        html += fact("检查点时间（UTC）", "Checkpoint time (UTC)", EvidenceFormat.timestamp(transcript.checkpointTime))
        html += "</dl>\n<p class=\"muted\">\(both("消息时间为北京时间（UTC+8）。", "Message times are China Standard Time (UTC+8)."))</p>\n"
        html += "<h2>\(both("如何核验", "How to verify"))</h2>\n"
        html += """
            <div class="zh"><ol>
            <li>解压证据包，其中有 verify.py（核验程序）和 README.txt（说明）。</li>
            <li>从独立渠道（而非本证据包）取得存档的公钥文件（PEM），然后运行：<br>\
            <code>python3 verify.py 证据包.zip --public-key 公钥.pem</code>（需要 Python 3 和 cryptography 包）。</li>
            <li>结果为通过时：清单签名有效，每个文件与清单一致，每条消息的原始 JSON（messages/）和附件（media/）\
            都经 proofs/ 中的证明包含在签名检查点中，本页每条消息的序号和哈希与证明一致。</li>
            </ol>
            <p class="muted">本页只是阅读视图。具有证明力的是 messages/ 中的原始 JSON、media/ 中的附件和 proofs/ 中的证明；\
            本页受清单签名保护而未被改动，但页面文字本身不是证明。</p></div>
            <div class="en" lang="en"><ol>
            <li>Unpack the package: it holds verify.py (the verifier) and README.txt (instructions).</li>
            <li>Obtain the archive's public key (PEM) independently of this package, then run:<br>\
            <code>python3 verify.py evidence.zip --public-key public-key.pem</code> (Python 3 with the cryptography package).</li>
            <li>When it passes: the manifest signature is valid, every file matches the manifest, every message's raw JSON \
            (messages/) and attachment (media/) is included in the signed checkpoint through the proofs in proofs/, and each \
            message's leaf index and hash on this page match its proof.</li>
            </ol>
            <p class="muted">This page is only a reading view. The evidence is the raw JSON in messages/, the attachments in \
            media/ and the proofs in proofs/; the manifest signature shows this page is unaltered, but its text is not itself proof.</p></div>
            </section>

            """
        return html
    }

    /// One message: meta line, body in both languages, and its ledger position.
    private static func article(_ message: Transcript.Message, zh: [String: String], en: [String: String]) -> String {
        let card = message.zh
        var classes = "message msg"
        if card.staff { classes += " staff" }
        if card.recalled { classes += " recalled" }
        var html = "<article class=\"\(classes)\" id=\"leaf-\(message.leafIndex)\" data-leaf=\"\(message.leafIndex)\""
        html += " data-msgid=\"\(escape(message.msgid))\" data-hash=\"\(escape(message.leafHashHex))\">\n"
        html += "<div class=\"meta\"><b class=\"sender\">\(escape(card.fromName))</b> <span class=\"muted\">\(escape(card.fromID))</span>"
        html += " · <time>\(escape(card.time))</time> · <span class=\"tag\">\(both(card.typeLabel, message.en.typeLabel))</span>"
        if card.recalled {
            let recalled = both(zh["recalled"] ?? "已撤回", en["recalled"] ?? "Recalled")
            html += " <span class=\"tag red\">\(recalled)</span>"
        }
        html += "</div>\n"
        html += "<div class=\"body zh\">\(blocks(message.zh.blocks, words: zh))</div>\n"
        html += "<div class=\"body en\" lang=\"en\">\(blocks(message.en.blocks, words: en))</div>\n"
        html += "<div class=\"leaf\">\(both("账本序号", "Leaf")) \(message.leafIndex) · <code>\(escape(message.leafHashHex))</code></div>\n"
        html += "</article>\n"
        return html
    }

    /// A card's blocks, every field a block has (the console sets one per block).
    private static func blocks(_ blocks: [Block], words: [String: String]) -> String {
        var html = ""
        for block in blocks {
            if let text = block.text { html += "<p class=\"text\">\(escape(text))</p>" }
            if let notice = block.notice { html += "<p class=\"notice\">\(escape(notice))</p>" }
            if let image = block.image {
                let label = words["image"] ?? ""
                html += packagedAsset(image, label: label) { href in
                    "<a href=\"\(href)\"><img src=\"\(href)\" alt=\"\(escape(label))\" loading=\"lazy\"></a>"
                }
            }
            if let audio = block.audio { html += assetLink(audio, label: words["voice"] ?? "", play: true) }
            if let video = block.video { html += assetLink(video, label: words["video"] ?? "", play: true) }
            if let download = block.download { html += assetLink(download.href, label: download.label) }
            if let link = block.link {
                html += "<div class=\"link\">"
                if let href = link.href, let safe = webHref(href) {
                    html += "<a href=\"\(escape(safe))\" rel=\"noopener noreferrer\">\(escape(link.title))</a>"
                } else {
                    html += "<b>\(escape(link.title))</b>"
                }
                html += "<p>\(escape(link.description))</p><code>\(escape(link.url))</code></div>"
            }
            for row in block.rows ?? [] {
                html += "<div class=\"fact\"><span>\(escape(row.label))</span> \(escape(row.value))</div>"
            }
            for item in block.nested ?? [] {
                html += "<div class=\"record\"><div class=\"muted\">\(escape(item.title))</div>\(self.blocks(item.blocks, words: words))</div>"
            }
        }
        return html
    }

    /// A link to a packaged file (an attachment played or downloaded from the unpacked folder).
    private static func assetLink(_ href: String, label: String, play: Bool = false) -> String {
        packagedAsset(href, label: label) { safe in
            "<a class=\"file\" href=\"\(safe)\">\(play ? "▶ " : "")\(escape(label))</a>"
        }
    }

    /// Renders `element` with the escaped href when `href` names a file inside the package's `media/`; any
    /// other value (an absolute or external URL) is shown as text, never loaded.
    private static func packagedAsset(_ href: String, label: String, element: (String) -> String) -> String {
        let isPackaged = href.hasPrefix(EvidenceFormat.mediaFolder) && EvidenceFormat.isAllowedName(href)
        guard isPackaged else { return "<p class=\"notice\">\(escape(label)) <code>\(escape(href))</code></p>" }
        return element(escape(href))
    }

    /// `href` when it is plainly http(s), else `nil`.
    private static func webHref(_ href: String) -> String? {
        let lowered = href.lowercased()
        return lowered.hasPrefix("https://") || lowered.hasPrefix("http://") ? href : nil
    }

    /// The console's look (header bar, cards, chat bubbles), the language switch, and the print layout.
    static let stylesheet = #"""
        *{box-sizing:border-box}
        body{margin:0;font:14px/1.5 system-ui,"Noto Sans CJK SC","PingFang SC","Microsoft YaHei",sans-serif;color:#1f2937;background:#f5f7fa}
        header{display:flex;justify-content:space-between;align-items:center;background:#1e3a5f;color:#fff;padding:.4rem 1.2rem;flex-wrap:wrap}
        header .brand{font-weight:700;color:#fff}
        main{padding:1rem 1.4rem;max-width:1200px;margin:0 auto} h1{font-size:1.35rem;margin:.4rem 0 .8rem} h2{font-size:1.1rem}
        .card{background:#fff;border:1px solid #e5e7eb;border-radius:8px;padding:1rem 1.2rem;margin-bottom:1rem}
        .muted{color:#64748b} .notice{color:#475569;font-style:italic}
        .tag{display:inline-block;font-size:.75rem;padding:0 .4rem;border-radius:999px;background:#e2e8f0;color:#334155}
        .tag.red{background:#fee2e2;color:#991b1b}
        code{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;word-break:break-all}
        dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:.2rem 1rem} dl.facts dt{color:#64748b} dl.facts dd{margin:0}
        .conversation{margin-bottom:1.6rem}
        .chat{display:flex;flex-direction:column;gap:.6rem}
        .msg{background:#fff;border:1px solid #e5e7eb;border-radius:10px;padding:.5rem .8rem;max-width:78%}
        .msg.staff{align-self:flex-end;background:#eff6ff;border-color:#bfdbfe}
        .msg.recalled{border-style:dashed;opacity:.85} .msg:target{outline:3px solid #f59e0b}
        .msg .meta{font-size:.8rem;color:#64748b;margin-bottom:.2rem} .msg .text{white-space:pre-wrap;word-break:break-word;margin:.2rem 0}
        .msg img{max-width:320px;max-height:320px;border-radius:6px;display:block}
        .fact span{color:#64748b;margin-right:.4rem} .link{border-left:3px solid #93c5fd;padding-left:.6rem}
        .link code{font-size:.75rem;color:#64748b} .record{border-left:3px solid #e2e8f0;padding-left:.6rem;margin:.3rem 0}
        .file{display:inline-block;padding:.2rem .5rem;background:#f1f5f9;border-radius:4px}
        .leaf{margin-top:.3rem;font-size:.72rem;color:#64748b}
        #lang-en{position:absolute;opacity:0;width:1px;height:1px;margin:0}
        label[for="lang-en"]{cursor:pointer;border:1px solid #93c5fd;color:#dbeafe;border-radius:4px;padding:.1rem .6rem;user-select:none}
        label[for="lang-en"]::before{content:"\2610\00a0"}
        #lang-en:checked ~ header label[for="lang-en"]::before{content:"\2611\00a0"}
        #lang-en:focus-visible ~ header label[for="lang-en"]{outline:2px solid #f59e0b}
        #lang-en:not(:checked) ~ * .en{display:none}
        #lang-en:checked ~ * .zh{display:none}
        @media print{
        body{background:#fff;font-size:10.5pt}
        header{background:none;color:#000;border-bottom:1px solid #64748b;padding:0 0 .3rem}
        header .brand{color:#000}
        #lang-en,label[for="lang-en"]{display:none}
        main{max-width:none;padding:0}
        .card{border:none;padding:0}
        .msg{max-width:100%;border-color:#cbd5e1;break-inside:avoid;page-break-inside:avoid}
        .msg.staff{background:#fff}
        h2{break-after:avoid;page-break-after:avoid}
        a{color:inherit;text-decoration:none}
        }
        """#
}
