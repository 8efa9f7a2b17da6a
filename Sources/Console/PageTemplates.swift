/// The console's Mustache templates. `{{ }}` escapes; the only `{{{ }}}` are the layout's body, which is
/// itself a rendered template, and `svg`, which `PageRenderer` lets through only as `Insights.SafeHTML`. Optional fields are read with a leading dot (`{{#.text}}`) so a missing
/// value never falls back to a same-named value further up the context stack.
enum PageTemplates {
    static let all: [String: String] = [
        "layout": layout, "login": login, "error": error, "conversations": conversations, "conversation": conversation,
        "message": message, "blocks": blocks, "pager": pager, "customers": customers, "customer": customer, "search": search,
        "snippet": snippet, "alerts": alerts, "alert": alert, "alertActions": alertActions, "audit": audit, "admin": admin,
        "sla": sla, "qa": qa, "qaSample": qaSample, "reports": reports, "cases": CaseTemplates.cases, "case": CaseTemplates.detail,
        "addToCase": CaseTemplates.addToCase,
    ]

    static let layout = """
    <!doctype html>
    <html lang="{{lang}}"><head><meta charset="utf-8"><title>{{title}} · {{t.app}}</title>
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <link rel="stylesheet" href="/static/console.css"></head>
    <body data-csrf="{{csrf}}" data-page="{{page}}" data-lang="{{lang}}">
    <header>{{#user}}<nav><a class="brand" href="/">{{t.app}}</a>
    {{#nav.content}}<a href="/conversations">{{t.conversations}}</a><a href="/customers">{{t.customers}}</a><a href="/search">{{t.search}}</a>{{/nav.content}}
    {{#nav.alerts}}<a href="/alerts">{{t.alerts}}</a>{{/nav.alerts}}
    {{#nav.sla}}<a href="/reports">{{t.reports}}</a><a href="/sla">{{t.sla}}</a>{{/nav.sla}}
    {{#nav.qa}}<a href="/qa">{{t.qa}}</a>{{/nav.qa}}
    {{#nav.cases}}<a href="/cases">{{t.cases}}</a>{{/nav.cases}}
    {{#nav.audit}}<a href="/audit">{{t.audit}}</a>{{/nav.audit}}
    {{#nav.admin}}<a href="/admin">{{t.admin}}</a>{{/nav.admin}}</nav>
    <div class="who"><span id="whoami">{{displayName}}</span> <a href="/lang?to={{otherLang}}">{{t.language}}</a>
    <form method="post" action="/logout" class="inline"><input type="hidden" name="_csrf" value="{{csrf}}"><button type="submit">{{t.logout}}</button></form></div>{{/user}}
    {{^user}}<nav><span class="brand">{{t.app}}</span></nav><div class="who"><a href="/lang?to={{otherLang}}">{{t.language}}</a></div>{{/user}}</header>
    <main>{{{body}}}</main>
    <script src="/static/console.js"></script>
    </body></html>
    """

    static let login = """
    <section class="card narrow"><h1>{{t.login}}</h1>
    {{#message}}<p class="error" id="login-error">{{message}}</p>{{/message}}
    <form method="post" action="/login" id="login-form">
    <input type="hidden" name="next" value="{{next}}"><input type="hidden" name="_csrf" value="{{csrf}}">
    <label>{{t.username}}<input name="username" id="username" autocomplete="username" required value="{{username}}"></label>
    <label>{{t.password}}<input name="password" id="password" type="password" autocomplete="current-password" required></label>
    <label>{{t.otp}}<input name="otp" id="otp" inputmode="numeric" autocomplete="one-time-code"></label>
    <button type="submit" id="login-submit">{{t.signin}}</button></form></section>
    """

    static let error = """
    <section class="card narrow"><h1>{{heading}}</h1><p class="error">{{message}}</p><p><a href="/">←</a></p></section>
    """

    static let pager = """
    {{#pager}}<nav class="pager">{{#.prev}}<a href="{{.}}" rel="prev">{{t.prev}}</a>{{/.prev}} <span>{{label}}</span> {{#.next}}<a href="{{.}}" rel="next">{{t.next}}</a>{{/.next}}</nav>{{/pager}}
    """

    static let conversations = """
    <h1>{{t.conversations}}</h1>
    <form class="filters" method="get" action="/conversations">
    <label>{{t.employee}} / {{t.customer}} ID<input name="party" value="{{party}}"></label>
    <label>{{t.group}} ID<input name="room" value="{{room}}"></label><button type="submit">{{t.filter}}</button></form>
    <p class="muted">{{t.total}} {{total}}</p>
    <table class="list" id="conversation-list"><thead><tr><th>{{t.conversations}}</th><th>{{t.messages}}</th><th>{{t.last}}</th></tr></thead><tbody>
    {{#items}}<tr><td><a class="conversation-link" href="{{href}}">{{title}}</a> <span class="tag">{{kindLabel}}</span>
    {{#parties}}<a class="party" href="{{href}}">{{name}}</a>{{/parties}}</td><td>{{count}}</td><td>{{last}}</td></tr>{{/items}}
    {{^items}}<tr><td colspan="3">{{t.no_results}}</td></tr>{{/items}}
    </tbody></table>
    {{> pager}}
    """

    static let conversation = """
    <h1>{{heading}}</h1><p class="muted">{{subtitle}}</p>{{> addToCase}}
    <div class="chat" id="messages">{{#messages}}{{> message}}{{/messages}}{{^messages}}<p>{{t.no_results}}</p>{{/messages}}</div>
    {{> pager}}
    """

    static let message = """
    <article id="{{anchor}}" class="msg{{#staff}} staff{{/staff}}{{#recalled}} recalled{{/recalled}}{{#highlighted}} highlight{{/highlighted}}" data-msgid="{{msgid}}">
    <div class="meta"><b class="sender">{{fromName}}</b> <span class="muted">{{fromID}}</span> · <time>{{time}}</time> · <span class="tag">{{typeLabel}}</span>
    {{#recalled}}<span class="tag red">{{t.recalled}}</span>{{/recalled}}{{#.conversationLink}} <a href="{{.}}">{{t.open}}</a>{{/.conversationLink}}</div>
    <div class="body">{{> blocks}}</div></article>
    """

    static let blocks = """
    {{#blocks}}{{#.text}}<p class="text">{{.}}</p>{{/.text}}{{#.notice}}<p class="notice">{{.}}</p>{{/.notice}}{{#.image}}<img src="{{.}}" alt="" loading="lazy">{{/.image}}{{#.audio}}<audio controls preload="none" src="{{.}}"></audio>{{/.audio}}{{#.video}}<video controls preload="none" src="{{.}}"></video>{{/.video}}{{#.download}}<a class="file" href="{{href}}">{{label}}</a>{{/.download}}{{#.link}}<div class="link">{{#.href}}<a href="{{.}}" rel="noopener noreferrer" target="_blank">{{title}}</a>{{/.href}}{{^.href}}<b>{{title}}</b>{{/.href}}<p>{{description}}</p><code>{{url}}</code></div>{{/.link}}{{#.rows}}<div class="fact"><span>{{label}}</span> {{value}}</div>{{/.rows}}{{#.nested}}<div class="record"><div class="muted">{{title}}</div>{{> blocks}}</div>{{/.nested}}{{/blocks}}
    """

    static let customers = """
    <h1>{{t.customers}}</h1>
    <form class="filters" method="get" action="/customers"><label>{{t.customer}}<input name="q" value="{{q}}"></label><button type="submit">{{t.filter}}</button></form>
    <table class="list"><thead><tr><th>{{t.customer}}</th><th>ID</th></tr></thead><tbody>
    {{#items}}<tr><td><a href="{{href}}">{{name}}</a> <span class="muted">{{corp}}</span></td><td><code>{{id}}</code></td></tr>{{/items}}
    {{^items}}<tr><td colspan="2">{{t.no_results}}</td></tr>{{/items}}</tbody></table>
    """

    static let customer = """
    <h1>{{name}} <span class="muted">{{corp}}</span></h1><p class="muted">{{t.customer_history}}</p>
    <h2>{{t.served_by}}</h2><ul class="chips">{{#conversations}}<li><a href="{{href}}">{{title}}</a> <span class="muted">{{count}}</span></li>{{/conversations}}</ul>
    <div class="chat" id="messages">{{#messages}}{{> message}}{{/messages}}{{^messages}}<p>{{t.no_results}}</p>{{/messages}}</div>
    """

    static let snippet = """
    {{#segments}}{{#hit}}<mark>{{text}}</mark>{{/hit}}{{^hit}}{{text}}{{/hit}}{{/segments}}
    """

    static let search = """
    <h1>{{t.search}}</h1>
    <form class="filters wide" method="get" action="/search" id="search-form">
    <label>{{t.keyword}}<input name="q" id="q" value="{{form.q}}"></label>
    <label>{{t.employee}}<input name="employee" value="{{form.employee}}"></label>
    <label>{{t.customer}}<input name="customer" value="{{form.customer}}"></label>
    <label>{{t.departments}}<input name="department" value="{{form.department}}"></label>
    <label>{{t.group}} ID<input name="room" value="{{form.room}}"></label>
    <label>{{t.from}}<input name="since" type="date" value="{{form.since}}"></label>
    <label>{{t.until}}<input name="until" type="date" value="{{form.until}}"></label>
    <label>{{t.type}}<input name="type" value="{{form.type}}" placeholder="text,image,file"></label>
    <label>{{t.file_ext}}<input name="ext" value="{{form.ext}}" placeholder="pdf,docx"></label>
    <label>{{t.has_media}}<select name="has_media"><option value="">{{t.any}}</option><option value="true"{{#form.hasMediaYes}} selected{{/form.hasMediaYes}}>{{t.yes}}</option><option value="false"{{#form.hasMediaNo}} selected{{/form.hasMediaNo}}>{{t.no}}</option></select></label>
    <label>{{t.recalled}}<select name="recalled"><option value="">{{t.any}}</option><option value="true"{{#form.recalledYes}} selected{{/form.recalledYes}}>{{t.yes}}</option><option value="false"{{#form.recalledNo}} selected{{/form.recalledNo}}>{{t.no}}</option></select></label>
    <button type="submit" id="search-submit">{{t.search}}</button></form>
    {{#message}}<p class="error">{{message}}</p>{{/message}}
    {{#searched}}<p class="muted" id="search-total">{{t.total}} {{total}}</p>{{> addToCase}}
    <ol class="hits" id="hits">{{#hits}}<li><div class="meta"><b>{{fromName}}</b> · <time>{{time}}</time> · <span class="tag">{{typeLabel}}</span>{{#recalled}} <span class="tag red">{{t.recalled}}</span>{{/recalled}}</div>
    <a class="hit" href="{{href}}">{{> snippet}}</a></li>{{/hits}}</ol>{{^hits}}<p>{{t.no_results}}</p>{{/hits}}
    {{> pager}}{{/searched}}
    """

    static let alertActions = """
    <form method="post" action="/alerts/{{id}}/actions" class="actions">
    <input type="hidden" name="_csrf" value="{{csrf}}">
    <select name="action" aria-label="{{t.action}}"><option value="assign">{{t.assign}}</option><option value="acknowledge">{{t.acknowledge}}</option>
    <option value="resolve">{{t.resolve}}</option><option value="false-positive">{{t.false-positive}}</option><option value="reopen">{{t.reopen}}</option><option value="note">{{t.note}}</option></select>
    <input name="assignee" placeholder="{{t.assignee}}" size="8"><input name="note" placeholder="{{t.note}}" size="14"><button type="submit">{{t.save}}</button></form>
    """

    static let alerts = """
    <h1>{{t.alert_queue}} <span class="tag live" id="live">{{t.live}}</span></h1>
    <nav class="tabs">{{#tabs}}<a href="{{href}}"{{#current}} class="current"{{/current}}>{{label}}</a>{{/tabs}}</nav>
    <table class="list" id="alerts"><thead><tr><th>#</th><th>{{t.category}}</th><th>{{t.severity}}</th><th>{{t.sender}}</th><th>{{t.hits}}</th><th>{{t.status}}</th><th>{{t.assignee}}</th><th>{{t.last}}</th><th>{{t.action}}</th></tr></thead>
    <tbody>{{#items}}<tr data-alert="{{id}}" class="sev-{{severity}}"><td><a href="/alerts/{{id}}">#{{id}}</a></td><td>{{category}}</td><td>{{severity}}</td><td>{{sender}}</td><td>{{hitCount}}</td><td class="status">{{status}}</td><td>{{assignee}}</td><td>{{last}}</td><td>{{> alertActions}}</td></tr>{{/items}}
    {{^items}}<tr class="empty"><td colspan="9">{{t.no_results}}</td></tr>{{/items}}</tbody></table>
    """

    static let alert = """
    <h1>#{{alert.id}} {{alert.category}} <span class="tag sev-{{alert.severity}}">{{alert.severity}}</span> <span class="tag" id="alert-status">{{alert.status}}</span></h1>
    <p class="muted">{{t.sender}} {{alert.sender}} · {{t.assignee}} {{alert.assignee}} · <a href="{{conversationHref}}">{{t.conversations}}</a></p>
    {{#alert}}{{> alertActions}}{{/alert}}
    {{> addToCase}}
    <h2>{{t.hits}}</h2><div class="chat">{{#messages}}{{> message}}{{/messages}}</div>
    <table class="list"><thead><tr><th>{{t.rules}}</th><th>{{t.content}}</th><th>{{t.severity}}</th><th>{{t.policy_version}}</th></tr></thead><tbody>
    {{#hits}}<tr><td>{{rule}}</td><td><mark>{{match}}</mark> <a href="{{href}}">{{t.open}}</a></td><td>{{severity}}</td><td>{{policyVersion}}</td></tr>{{/hits}}</tbody></table>
    <h2>{{t.history}}</h2><ol class="history" id="alert-history">{{#events}}<li><time>{{time}}</time> <b>{{actor}}</b> {{action}} {{#.note}}— {{.}}{{/.note}}</li>{{/events}}</ol>
    """

    static let audit = """
    <h1>{{t.audit}}</h1>
    <form class="filters" method="get" action="/audit"><label>{{t.actor}}<input name="actor" value="{{actor}}"></label>
    <label>{{t.action}}<input name="action" value="{{action}}"></label><label>{{t.from}}<input type="date" name="since" value="{{since}}"></label>
    <label>{{t.until}}<input type="date" name="until" value="{{until}}"></label><button type="submit">{{t.filter}}</button></form>
    <table class="list" id="audit"><thead><tr><th>#</th><th>{{t.time}}</th><th>{{t.actor}}</th><th>{{t.action}}</th><th>{{t.target}}</th><th>{{t.detail}}</th><th>leaf</th></tr></thead><tbody>
    {{#items}}<tr><td>{{id}}</td><td>{{time}}</td><td>{{actor}}</td><td>{{action}}</td><td><code>{{target}}</code></td><td>{{detail}}</td><td>{{leafIndex}}</td></tr>{{/items}}
    {{^items}}<tr><td colspan="7">{{t.no_results}}</td></tr>{{/items}}</tbody></table>
    {{> pager}}
    """

    static let admin = """
    <h1>{{t.admin}}</h1>
    {{#message}}<p class="notice" id="admin-message">{{message}}</p>{{/message}}
    <section class="card"><h2>{{t.pending_changes}}</h2>
    <table class="list" id="access-changes"><thead><tr><th>#</th><th>{{t.time}}</th><th>{{t.requested_by}}</th><th>{{t.target}}</th><th>{{t.change_summary}}</th><th>{{t.action}}</th></tr></thead><tbody>
    {{#changes}}<tr><td>{{id}}</td><td>{{time}}</td><td>{{requestedBy}}</td><td>{{target}}</td><td>{{summary}}</td><td>
    {{#mine}}<form method="post" action="/admin/access-changes/{{id}}/cancel" class="inline"><input type="hidden" name="_csrf" value="{{csrf}}"><button type="submit">{{t.cancel_change}}</button></form>{{/mine}}
    {{^mine}}<form method="post" action="/admin/access-changes/{{id}}/approve" class="inline"><input type="hidden" name="_csrf" value="{{csrf}}"><button type="submit">{{t.approve}}</button></form>
    <form method="post" action="/admin/access-changes/{{id}}/refuse" class="inline"><input type="hidden" name="_csrf" value="{{csrf}}"><button type="submit">{{t.refuse}}</button></form>{{/mine}}</td></tr>{{/changes}}
    {{^changes}}<tr><td colspan="6">{{t.no_results}}</td></tr>{{/changes}}</tbody></table>
    <p class="muted">{{t.four_eyes}}</p></section>
    <section class="card"><h2>{{t.users}}</h2>
    <table class="list" id="users"><thead><tr><th>{{t.username}}</th><th>{{t.roles}}</th><th>{{t.departments}}</th><th>{{t.status}}</th><th>{{t.action}}</th></tr></thead><tbody>
    {{#users}}<tr><td><b>{{username}}</b> <span class="muted">{{displayName}}</span></td><td>{{roles}}</td><td>{{departments}}</td><td>{{flags}}</td>
    <td><form method="post" action="/admin/users/{{username}}" class="actions"><input type="hidden" name="_csrf" value="{{csrf}}">
    <input name="roles" value="{{roles}}" size="14" aria-label="{{t.roles}}"><input name="departments" value="{{departments}}" size="6" aria-label="{{t.departments}}">
    <label><input type="checkbox" name="mayUnmask" value="true"{{#mayUnmask}} checked{{/mayUnmask}}>{{t.enable_unmask}}</label>
    <label><input type="checkbox" name="disabled" value="true"{{#disabled}} checked{{/disabled}}>{{t.disabled}}</label><button type="submit">{{t.save}}</button></form></td></tr>{{/users}}</tbody></table>
    <h3>{{t.add_user}}</h3>
    <form method="post" action="/admin/users" class="filters"><input type="hidden" name="_csrf" value="{{csrf}}">
    <label>{{t.username}}<input name="username" required></label><label>{{t.password}}<input name="password" type="password" required minlength="10"></label>
    <label>{{t.roles}}<input name="roles" placeholder="auditor,manager"></label><label>{{t.departments}}<input name="departments" placeholder="1"></label>
    <label><input type="checkbox" name="mayUnmask" value="true">{{t.enable_unmask}}</label><button type="submit">{{t.add_user}}</button></form></section>
    <section class="card"><h2>{{t.protected}}</h2>
    <table class="list"><thead><tr><th>{{t.employee}}</th><th>{{t.viewers}}</th></tr></thead><tbody>
    {{#protected}}<tr><td>{{userid}}</td><td>{{viewers}}</td></tr>{{/protected}}</tbody></table>
    <form method="post" action="/admin/protected" class="filters"><input type="hidden" name="_csrf" value="{{csrf}}">
    <label>{{t.employee}} userid<input name="userid" required></label><label>{{t.viewers}}<input name="viewers" placeholder="auditor1,auditor2"></label><button type="submit">{{t.save}}</button></form></section>
    <section class="card"><h2>{{t.status_ledger}}</h2><dl class="facts">
    <dt>{{t.tree_size}}</dt><dd id="tree-size">{{status.treeSize}}</dd><dt>{{t.checkpoints}}</dt><dd>{{status.checkpoints}}</dd>
    <dt>{{t.last}}</dt><dd>{{status.lastCheckpoint}}</dd><dt>{{t.policy_version}}</dt><dd>{{status.policyVersion}}</dd>
    <dt>{{t.keys}}</dt><dd>{{status.keys}}</dd></dl></section>
    <section class="card"><h2>{{t.lexicons}}</h2><table class="list"><thead><tr><th>{{t.rules}}</th><th>{{t.category}}</th><th>{{t.severity}}</th><th>{{t.terms}}</th></tr></thead><tbody>
    {{#lexicons}}<tr><td>{{id}}</td><td>{{category}}</td><td>{{severity}}</td><td>{{count}}: {{sample}}</td></tr>{{/lexicons}}</tbody></table></section>
    <section class="card"><h2>{{t.wecom}} · {{t.service}}</h2><dl class="facts">{{#service}}<dt>{{key}}</dt><dd>{{value}}</dd>{{/service}}</dl></section>
    """

    static let sla = """
    <h1>{{t.sla}}</h1>
    {{#message}}<p class="notice" id="sla-message">{{message}}</p>{{/message}}
    <section class="card"><h2>{{t.overdue_now}} <span class="muted">({{overdueCount}})</span></h2>
    <table class="list" id="overdue"><thead><tr><th>{{t.customer}}</th><th>{{t.employee}}</th><th>{{t.waiting_since}}</th><th>{{t.minutes_waiting}}</th><th>{{t.status}}</th></tr></thead><tbody>
    {{#overdue}}<tr><td><a href="{{href}}">{{customer}}</a></td><td>{{employee}}</td><td>{{since}}</td><td>{{minutes}}</td><td>{{state}}</td></tr>{{/overdue}}
    {{^overdue}}<tr><td colspan="5">{{t.no_results}}</td></tr>{{/overdue}}</tbody></table></section>
    <section class="card"><h2>{{t.response_times}} <span class="muted">{{period}}</span></h2>
    <table class="list" id="sla-stats"><thead><tr><th>{{t.employee}}</th><th>{{t.waits}}</th><th>{{t.reply_rate}}</th><th>{{t.avg_response}}</th><th>{{t.avg_first_response}}</th><th>{{t.overdue_now}}</th></tr></thead><tbody>
    {{#rows}}<tr><td>{{name}}</td><td>{{waits}}</td><td>{{rate}}</td><td>{{average}}</td><td>{{first}}</td><td>{{overdue}}</td></tr>{{/rows}}
    {{^rows}}<tr><td colspan="6">{{t.no_results}}</td></tr>{{/rows}}</tbody></table></section>
    <section class="card"><h2>{{t.settings}} <span class="muted">{{version}}</span></h2>
    {{#canEdit}}<form method="post" action="/sla/settings"><input type="hidden" name="_csrf" value="{{csrf}}">
    <textarea name="settings" rows="16" cols="100" id="sla-settings">{{settings}}</textarea><p><button type="submit">{{t.save}}</button></p></form>{{/canEdit}}
    {{^canEdit}}<pre>{{settings}}</pre>{{/canEdit}}</section>
    """

    static let qa = """
    <h1>{{t.qa}}</h1>
    <form class="filters" method="post" action="/qa/sample"><input type="hidden" name="_csrf" value="{{csrf}}">
    <label>{{t.period}}<input name="period" value="{{period}}" placeholder="2026-11"></label><button type="submit">{{t.draw_sample}}</button></form>
    <table class="list" id="qa-queue"><thead><tr><th>#</th><th>{{t.period}}</th><th>{{t.employee}}</th><th>{{t.conversations}}</th><th>{{t.score}}</th></tr></thead><tbody>
    {{#items}}<tr><td><a href="/qa/{{id}}">#{{id}}</a></td><td>{{period}}</td><td>{{employee}}</td><td>{{title}}</td><td>{{score}}</td></tr>{{/items}}
    {{^items}}<tr><td colspan="5">{{t.no_results}}</td></tr>{{/items}}</tbody></table>
    """

    static let qaSample = """
    <h1>{{t.qa}} #{{id}} · {{employee}} <span class="muted">{{period}}</span></h1>
    <form method="post" action="/qa/{{id}}" class="card" id="qa-score-form"><input type="hidden" name="_csrf" value="{{csrf}}">
    {{#rubric}}<label class="score">{{name}} <span class="muted">({{weight}})</span> <input type="number" name="item.{{itemID}}" min="0" max="100" step="1" value="{{value}}" required></label>{{/rubric}}
    <label class="score">{{t.note}}<input name="comment" size="60" value="{{comment}}"></label><button type="submit">{{t.save}}</button>
    {{#total}}<p id="qa-total">{{t.score}}: <b>{{.}}</b></p>{{/total}}</form>
    <div class="chat" id="messages">{{#messages}}{{> message}}{{/messages}}</div>
    """

    /// The charts are SVG the server drew with every label escaped (`SVGChart`); the only triple mustache besides the layout's body.
    static let reports = """
    <h1>{{t.reports}} <span class="muted">{{period}}</span></h1>
    <form class="filters" method="get" action="/reports"><label>{{t.from}}<input type="date" name="since" value="{{since}}"></label>
    <label>{{t.until}}<input type="date" name="until" value="{{until}}"></label><label>{{t.departments}}<input name="department" value="{{department}}" size="6"></label>
    <button type="submit">{{t.filter}}</button></form>
    <div class="charts">{{#charts}}<section class="card chart"><h2>{{title}} <a class="csv" href="{{href}}">CSV</a></h2>{{{svg}}}</section>{{/charts}}</div>
    <section class="card"><h2>{{t.most_negative}}</h2><table class="list" id="negative"><thead><tr><th>{{t.conversations}}</th><th>{{t.negative}}</th><th>{{t.messages}}</th></tr></thead><tbody>
    {{#negative}}<tr><td><a href="{{href}}">{{conversation}}</a></td><td>{{negative}}</td><td>{{scored}}</td></tr>{{/negative}}
    {{^negative}}<tr><td colspan="3">{{t.no_results}}</td></tr>{{/negative}}</tbody></table></section>
    """
}
