import ArchiveModel
import Foundation
import HTTPTypes
import Hummingbird
import Ingest
import Logging
import Storage
import WeCom

/// The demo's HTTP surface until the console lands: health, live counts and a page that shows them.
enum DemoRoutes {
    static func router(store: SQLiteArchiveStore, callback: CallbackCrypto, signal: PullSignal, logger: Logger) -> Router<BasicRequestContext> {
        let router = Router()
        WeComCallbackRoutes.add(to: router, crypto: callback, signal: signal, logger: logger)
        router.get("healthz") { _, _ -> Response in
            let stats = try await store.stats()
            return jsonResponse(["status": "ok", "messages": "\(stats.messages)"])
        }
        router.get("api/v1/stats") { _, _ -> Response in
            let body = try JSONEncoder().encode(StatsJSON(try await store.stats()))
            return Response(status: .ok, headers: [.contentType: "application/json; charset=utf-8"],
                            body: .init(byteBuffer: ByteBuffer(bytes: body)))
        }
        router.get("api/v1/alerts") { _, _ -> Response in
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            let body = try encoder.encode(try await store.alerts(limit: 50))
            return Response(status: .ok, headers: [.contentType: "application/json; charset=utf-8"],
                            body: .init(byteBuffer: ByteBuffer(bytes: body)))
        }
        // The live feed: server-sent events, one per new alert; reconnecting clients resume after Last-Event-ID.
        router.get("api/v1/alerts/stream") { request, _ -> Response in
            AlertFeed.response(store: store, resumeAfter: AlertFeed.resumePoint(request))
        }
        router.get("/") { _, _ -> Response in
            Response(status: .ok, headers: [.contentType: "text/html; charset=utf-8"],
                     body: .init(byteBuffer: ByteBuffer(string: DemoPage.html)))
        }
        return router
    }

    static func jsonResponse(_ object: [String: String]) -> Response {
        let body = (try? JSONEncoder().encode(object)) ?? Data("{}".utf8)
        return Response(status: .ok, headers: [.contentType: "application/json; charset=utf-8"],
                        body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }
}

enum DemoPage {
    static let html = """
    <!doctype html>
    <html lang="zh-CN"><head><meta charset="utf-8"><title>ChatLedger 会话存档</title>
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <style>
    body{font-family:system-ui,"Noto Sans CJK SC",sans-serif;margin:2rem;color:#1f2937;background:#f8fafc}
    h1{font-size:1.4rem} .cards{display:flex;gap:1rem;flex-wrap:wrap}
    .card{background:#fff;border:1px solid #e5e7eb;border-radius:8px;padding:1rem 1.4rem;min-width:9rem}
    .card b{display:block;font-size:1.8rem} table{border-collapse:collapse;margin-top:1.5rem;background:#fff}
    td,th{border:1px solid #e5e7eb;padding:.3rem .8rem;text-align:left}
    </style></head><body>
    <h1>ChatLedger 会话内容存档 · 实时归档（模拟企业）</h1>
    <div class="cards">
      <div class="card">消息<b id="messages">–</b></div>
      <div class="card">会话<b id="conversations">–</b></div>
      <div class="card">媒体文件<b id="media">–</b></div>
      <div class="card">撤回<b id="recalled">–</b></div>
      <div class="card">隔离区<b id="quarantined">–</b></div>
      <div class="card">序号缺口<b id="seq_gaps">–</b></div>
    </div>
    <h2 style="font-size:1.1rem;margin-top:1.5rem">实时风险告警</h2>
    <table><thead><tr><th>#</th><th>类别</th><th>等级</th><th>发送人</th><th>命中</th><th>状态</th></tr></thead><tbody id="alerts"></tbody></table>
    <table><thead><tr><th>消息类型 msgtype</th><th>条数</th></tr></thead><tbody id="types"></tbody></table>
    <script>
    async function refresh(){
      try{
        const s = await (await fetch('/api/v1/stats')).json();
        for (const k of ['messages','conversations','media','recalled','quarantined','seq_gaps'])
          document.getElementById(k).textContent = s[k];
        const rows = Object.entries(s.by_msgtype).sort((a,b)=>b[1]-a[1]);
        const body = document.getElementById('types'); body.textContent='';
        for (const [t,n] of rows){ const tr=document.createElement('tr');
          tr.innerHTML='<td></td><td></td>'; tr.children[0].textContent=t; tr.children[1].textContent=n; body.appendChild(tr); }
      }catch(e){}
    }
    refresh(); setInterval(refresh, 2000);
    const feed = new EventSource('/api/v1/alerts/stream');
    feed.addEventListener('alert', (event) => {
      const a = JSON.parse(event.data); const tr = document.createElement('tr');
      for (const v of ['#' + a.id, a.category, a.severity, a.sender, a.hitCount, a.status]) {
        const td = document.createElement('td'); td.textContent = v; tr.appendChild(td); }
      const body = document.getElementById('alerts'); body.insertBefore(tr, body.firstChild);
      while (body.children.length > 20) body.removeChild(body.lastChild);
    });
    </script></body></html>
    """
}

/// Server-sent events of new alerts, polled from the store once a second, with a keep-alive comment when idle.
enum AlertFeed {
    static func resumePoint(_ request: Request) -> Int64 {
        if let name = HTTPField.Name("Last-Event-ID"), let header = request.headers[name], let id = Int64(header) { return id }
        if let query = request.uri.queryParameters["after"], let id = Int64(String(query)) { return id }
        return 0
    }

    static func event(_ alert: AlertRecord) throws -> ByteBuffer {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let data = String(decoding: try encoder.encode(alert), as: UTF8.self)
        return ByteBuffer(string: "id: \(alert.id)\nevent: alert\ndata: \(data)\n\n")
    }

    static func response(store: SQLiteArchiveStore, resumeAfter: Int64) -> Response {
        let body = ResponseBody { writer in
            var last = resumeAfter
            var idle = 0
            while !Task.isCancelled {
                let fresh: [AlertRecord] = try await store.alerts(limit: 100).filter { $0.id > last }.sorted { $0.id < $1.id }
                for alert in fresh {
                    try await writer.write(try event(alert))
                    last = alert.id
                }
                idle = fresh.isEmpty ? idle + 1 : 0
                if idle >= 15 {
                    try await writer.write(ByteBuffer(string: ": keep-alive\n\n"))
                    idle = 0
                }
                try await Task.sleep(for: .seconds(1))
            }
            try await writer.finish(nil)
        }
        return Response(status: .ok, headers: [.contentType: "text/event-stream", .cacheControl: "no-cache"], body: body)
    }
}
