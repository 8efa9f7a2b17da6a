/// The console's only stylesheet and script, served from the binary (no external assets, nothing inline,
/// so the Content-Security-Policy can forbid every other script).
enum StaticAssets {
    static let css = """
    *{box-sizing:border-box}
    body{margin:0;font:14px/1.5 system-ui,"Noto Sans CJK SC","PingFang SC","Microsoft YaHei",sans-serif;color:#1f2937;background:#f5f7fa}
    header{display:flex;justify-content:space-between;align-items:center;background:#1e3a5f;color:#fff;padding:.4rem 1.2rem;flex-wrap:wrap}
    header a{color:#dbeafe;margin-right:1rem;text-decoration:none} header a:hover{text-decoration:underline}
    header .brand{font-weight:700;color:#fff;margin-right:1.6rem} .who{display:flex;gap:.6rem;align-items:center}
    .who button{background:none;border:1px solid #93c5fd;color:#dbeafe;border-radius:4px;padding:.1rem .6rem;cursor:pointer}
    main{padding:1rem 1.4rem;max-width:1200px;margin:0 auto} h1{font-size:1.35rem;margin:.4rem 0 .8rem} h2{font-size:1.1rem}
    .card{background:#fff;border:1px solid #e5e7eb;border-radius:8px;padding:1rem 1.2rem;margin-bottom:1rem}
    .narrow{max-width:380px;margin:3rem auto} .narrow label{display:block;margin:.6rem 0} .narrow input{width:100%}
    input,select,button{font:inherit;padding:.25rem .45rem;border:1px solid #cbd5e1;border-radius:4px;background:#fff}
    button{background:#2563eb;color:#fff;border-color:#2563eb;cursor:pointer} button:hover{background:#1d4ed8}
    .filters{display:flex;flex-wrap:wrap;gap:.6rem;align-items:flex-end;margin-bottom:.8rem}
    .filters label{display:flex;flex-direction:column;font-size:.85rem;color:#475569}
    table.list{width:100%;border-collapse:collapse;background:#fff;border:1px solid #e5e7eb}
    table.list th,table.list td{border-bottom:1px solid #eef2f7;padding:.35rem .55rem;text-align:left;vertical-align:top}
    table.list th{background:#f8fafc;font-weight:600;color:#475569}
    .muted{color:#64748b} .error{color:#b91c1c} .notice{color:#475569;font-style:italic}
    .tag{display:inline-block;font-size:.75rem;padding:0 .4rem;border-radius:999px;background:#e2e8f0;color:#334155}
    .tag.red,.sev-critical .tag,.tag.sev-critical{background:#fee2e2;color:#991b1b} .tag.live{background:#dcfce7;color:#166534}
    .sev-critical{background:#fff1f2} .sev-high{background:#fffbeb}
    .party{margin-left:.5rem;font-size:.85rem}
    .chat{display:flex;flex-direction:column;gap:.6rem}
    .msg{background:#fff;border:1px solid #e5e7eb;border-radius:10px;padding:.5rem .8rem;max-width:78%}
    .msg.staff{align-self:flex-end;background:#eff6ff;border-color:#bfdbfe}
    .msg.recalled{border-style:dashed;opacity:.85} .msg.highlight,.msg:target{outline:3px solid #f59e0b}
    .msg .meta{font-size:.8rem;color:#64748b;margin-bottom:.2rem} .msg .text{white-space:pre-wrap;word-break:break-word;margin:.2rem 0}
    .msg img,.msg video{max-width:320px;max-height:320px;border-radius:6px;display:block}
    .fact span{color:#64748b;margin-right:.4rem} .link{border-left:3px solid #93c5fd;padding-left:.6rem}
    .link code{font-size:.75rem;color:#64748b;word-break:break-all} .record{border-left:3px solid #e2e8f0;padding-left:.6rem;margin:.3rem 0}
    .file{display:inline-block;padding:.2rem .5rem;background:#f1f5f9;border-radius:4px}
    mark{background:#fde68a;padding:0 .1rem} ol.hits li{margin-bottom:.8rem} a.hit{color:#1f2937;text-decoration:none}
    .pager{margin:1rem 0;display:flex;gap:1rem} .tabs a{margin-right:.8rem} .tabs a.current{font-weight:700}
    form.inline{display:inline} .actions{display:flex;gap:.3rem;flex-wrap:wrap;align-items:center}
    dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:.2rem 1rem} dl.facts dt{color:#64748b}
    label.score{display:flex;justify-content:space-between;gap:1rem;max-width:520px;margin:.3rem 0} textarea{font:12px/1.4 monospace;width:100%}
    .charts{display:grid;grid-template-columns:repeat(auto-fit,minmax(580px,1fr));gap:1rem} .chart svg{max-width:100%;height:auto}
    a.csv{font-size:.75rem;font-weight:400;margin-left:.5rem}
    ul.chips{list-style:none;padding:0;display:flex;flex-wrap:wrap;gap:.5rem} ul.chips li{background:#fff;border:1px solid #e5e7eb;border-radius:6px;padding:.2rem .6rem}
    """

    static let javascript = """
    'use strict';
    // Live alert queue: new alerts arrive over server-sent events; statuses are refreshed every few seconds.
    // Everything from the server is inserted as text, never as HTML.
    (function () {
      if (document.body.dataset.page !== 'alerts') return;
      const table = document.querySelector('#alerts tbody');
      function cell(text) { const td = document.createElement('td'); td.textContent = text == null ? '' : String(text); return td; }
      function addRow(alert) {
        if (table.querySelector('tr[data-alert="' + Number(alert.id) + '"]')) return;
        const empty = table.querySelector('tr.empty'); if (empty) empty.remove();
        const tr = document.createElement('tr');
        tr.dataset.alert = String(Number(alert.id));
        tr.className = 'sev-' + String(alert.severity).replace(/[^a-z]/g, '');
        const id = document.createElement('td'); const a = document.createElement('a');
        a.href = '/alerts/' + Number(alert.id); a.textContent = '#' + Number(alert.id); id.appendChild(a); tr.appendChild(id);
        for (const value of [alert.category, alert.severity, alert.sender, alert.hitCount]) tr.appendChild(cell(value));
        const status = cell(alert.status); status.className = 'status'; tr.appendChild(status);
        tr.appendChild(cell(alert.assignee)); tr.appendChild(cell(new Date(alert.lastMsgtime).toLocaleString()));
        const open = document.createElement('td'); const link = document.createElement('a');
        link.href = '/alerts/' + Number(alert.id); link.textContent = '→'; open.appendChild(link); tr.appendChild(open);
        table.insertBefore(tr, table.firstChild);
      }
      const feed = new EventSource('/api/v1/alerts/stream?after=' + (document.body.dataset.lastAlert || '0'));
      feed.addEventListener('alert', function (event) { try { addRow(JSON.parse(event.data)); } catch (e) {} });
      setInterval(async function () {
        try {
          const response = await fetch('/api/v1/alerts?limit=200', { credentials: 'same-origin' });
          if (!response.ok) return;
          const page = await response.json();
          for (const alert of page.items) {
            const row = table.querySelector('tr[data-alert="' + Number(alert.id) + '"] td.status');
            if (row) row.textContent = alert.status;
          }
        } catch (e) {}
      }, 5000);
    })();
    """
}
