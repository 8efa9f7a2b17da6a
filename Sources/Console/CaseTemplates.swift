/// The case pages' templates (see ``PageTemplates`` for the escaping rules).
enum CaseTemplates {
    static let cases = """
    <h1>{{t.cases}}</h1>
    <form method="post" action="/cases" class="filters" id="case-form"><input type="hidden" name="_csrf" value="{{csrf}}">
    <label>{{t.case_name}}<input name="name" id="case-name" required maxlength="200"></label>
    <label>{{t.description}}<input name="description" id="case-description" maxlength="4000"></label>
    <button type="submit" id="case-create">{{t.new_case}}</button></form>
    <table class="list" id="cases"><thead><tr><th>ID</th><th>{{t.case_name}}</th><th>{{t.messages_count}}</th><th>{{t.legal_hold}}</th><th>{{t.created_by}}</th><th>{{t.time}}</th></tr></thead><tbody>
    {{#items}}<tr data-case="{{id}}"><td><a href="/cases/{{id}}">{{id}}</a></td><td>{{name}}</td><td>{{messages}}</td><td>{{#held}}<span class="tag red">{{t.held}}</span>{{/held}}</td><td>{{createdBy}}</td><td>{{created}}</td></tr>{{/items}}
    {{^items}}<tr><td colspan="6">{{t.no_results}}</td></tr>{{/items}}</tbody></table>
    """

    static let detail = """
    {{#case}}<h1>{{name}} <code class="muted">{{id}}</code>{{#held}} <span class="tag red" id="case-held">{{t.held}}</span>{{/held}}</h1>
    <p id="case-description">{{description}}</p>
    <p class="muted">{{t.created_by}} {{createdBy}} · {{created}} · {{messages}} {{t.messages}}{{#held}} · {{t.legal_hold}} {{heldSince}} ({{heldBy}}){{/held}}</p>
    {{#.releaseRequestedBy}}<p class="notice" id="release-requested">{{t.release_requested}}: {{.}}</p>{{/.releaseRequestedBy}}
    <div class="actions">
    {{^held}}<form method="post" action="/cases/{{id}}/hold" class="inline"><input type="hidden" name="_csrf" value="{{csrf}}"><button type="submit" id="case-hold">{{t.hold}}</button></form>{{/held}}
    {{#held}}<form method="post" action="/cases/{{id}}/release" class="inline"><input type="hidden" name="_csrf" value="{{csrf}}"><button type="submit" id="case-release">{{t.release}}</button></form>{{/held}}
    <form method="post" action="/cases/{{id}}/export" class="inline"><input type="hidden" name="_csrf" value="{{csrf}}"><button type="submit" id="case-export">{{t.export}}</button></form>
    </div>{{/case}}
    <h2>{{t.exports}}</h2>
    <table class="list" id="case-exports"><thead><tr><th>{{t.time}}</th><th>{{t.actor}}</th><th>{{t.messages_count}}</th><th>{{t.media}}</th><th>{{t.legal_hold}}</th><th>{{t.manifest}}</th></tr></thead><tbody>
    {{#exports}}<tr><td>{{time}}</td><td>{{by}}</td><td>{{messages}}</td><td>{{media}}</td><td>{{#held}}{{t.held}}{{/held}}</td><td><code>{{manifest}}</code></td></tr>{{/exports}}
    {{^exports}}<tr><td colspan="6">{{t.no_results}}</td></tr>{{/exports}}</tbody></table>
    <h2>{{t.messages}}</h2>
    <div class="chat" id="messages">{{#messages}}{{> message}}{{/messages}}{{^messages}}<p>{{t.no_results}}</p>{{/messages}}</div>
    {{#hidden}}<p class="muted" id="case-hidden">{{hidden}} {{t.more_messages}}</p>{{/hidden}}
    """

    /// A form that adds a conversation or messages to a case; shown to users who may export evidence.
    static let addToCase = """
    {{#addToCase}}<form method="post" action="/cases/add" class="inline add-to-case" id="add-to-case"><input type="hidden" name="_csrf" value="{{csrf}}">
    {{#.conversation}}<input type="hidden" name="conversation" value="{{.}}">{{/.conversation}}{{#msgids}}<input type="hidden" name="msgid" value="{{.}}">{{/msgids}}
    {{#hasCases}}<select name="case" aria-label="{{t.case}}">{{#cases}}<option value="{{id}}">{{name}} ({{id}})</option>{{/cases}}</select>
    <button type="submit" id="add-to-case-submit">{{t.add_to_case}}</button>{{/hasCases}}
    {{^hasCases}}<a href="/cases">{{t.new_case}}</a>{{/hasCases}}</form>{{/addToCase}}
    """
}
