/// The API's description, served at `/api/v1/openapi.json` (OpenAPI 3.0). Kept by hand next to the routes:
/// the API is small, and a contract test checks every route here answers.
enum OpenAPIDocument {
    static let json = #"""
    {
      "openapi": "3.0.3",
      "info": {
        "title": "ChatLedger API",
        "version": "1.0.0",
        "description": "WeCom conversation archive: conversations, search, alerts, audit. Sign in with POST /api/v1/auth/login, then send Authorization: Bearer TOKEN (or the session cookie plus X-CSRF-Token on changes)."
      },
      "servers": [{"url": "/"}],
      "security": [{"bearer": []}, {"cookie": []}],
      "components": {
        "securitySchemes": {
          "bearer": {"type": "http", "scheme": "bearer"},
          "cookie": {"type": "apiKey", "in": "cookie", "name": "cl_session"}
        },
        "parameters": {
          "limit": {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 1000}},
          "offset": {"name": "offset", "in": "query", "schema": {"type": "integer", "minimum": 0, "maximum": 10000000}}
        },
        "responses": {
          "Error": {"description": "Error", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
        },
        "schemas": {
          "Error": {"type": "object", "properties": {"error": {"type": "object", "properties": {"message": {"type": "string"}}}}},
          "User": {"type": "object", "required": ["username", "roles"], "properties": {
            "username": {"type": "string"}, "displayName": {"type": "string"}, "roles": {"type": "array", "items": {"type": "string"}},
            "departments": {"type": "array", "items": {"type": "integer"}}, "mayUnmask": {"type": "boolean"},
            "disabled": {"type": "boolean"}, "locked": {"type": "boolean"}, "totp": {"type": "boolean"}}},
          "Conversation": {"type": "object", "required": ["id", "kind", "title", "messageCount"], "properties": {
            "id": {"type": "string"}, "kind": {"type": "string", "enum": ["single", "group"]}, "roomid": {"type": "string", "nullable": true},
            "title": {"type": "string"}, "parties": {"type": "array", "items": {"type": "object"}},
            "firstMsgtime": {"type": "integer"}, "lastMsgtime": {"type": "integer"}, "messageCount": {"type": "integer"}}},
          "Message": {"type": "object", "required": ["msgid", "msgtype", "from", "msgtime"], "properties": {
            "msgid": {"type": "string"}, "seq": {"type": "integer"}, "msgtime": {"type": "integer"}, "action": {"type": "string"},
            "from": {"type": "string"}, "fromName": {"type": "string", "nullable": true}, "toList": {"type": "array", "items": {"type": "string"}},
            "roomid": {"type": "string", "nullable": true}, "conversation": {"type": "string", "nullable": true}, "msgtype": {"type": "string"},
            "text": {"type": "string"}, "content": {}, "recalled": {"type": "boolean"}, "recalledBy": {"type": "string", "nullable": true},
            "media": {"type": "array", "items": {"type": "string"}}}},
          "Alert": {"type": "object", "required": ["id", "category", "severity", "status"], "properties": {
            "id": {"type": "integer"}, "conversation": {"type": "string", "nullable": true}, "category": {"type": "string"},
            "severity": {"type": "string"}, "status": {"type": "string"}, "assignee": {"type": "string", "nullable": true},
            "sender": {"type": "string"}, "firstMsgtime": {"type": "integer"}, "lastMsgtime": {"type": "integer"},
            "hitCount": {"type": "integer"}, "createdAt": {"type": "integer"}, "updatedAt": {"type": "integer"}}},
          "AuditEvent": {"type": "object", "required": ["id", "at", "actor", "action", "target"], "properties": {
            "id": {"type": "integer"}, "leafIndex": {"type": "integer"}, "at": {"type": "integer"}, "actor": {"type": "string"},
            "action": {"type": "string"}, "target": {"type": "string"}, "detail": {"type": "object", "additionalProperties": {"type": "string"}}}}
        }
      },
      "paths": {
        "/healthz": {"get": {"security": [], "summary": "Liveness and the archive's reachability",
          "responses": {"200": {"description": "OK: {status, ledger_size}"}, "503": {"description": "The archive's database cannot be reached"}}}},
        "/metrics": {"get": {"security": [], "summary": "Prometheus metrics", "responses": {"200": {"description": "text exposition format", "content": {"text/plain": {}}}}}},
        "/api/v1/auth/login": {"post": {"security": [], "summary": "Sign in; sets the session cookie and returns a bearer token",
          "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "required": ["username", "password"],
            "properties": {"username": {"type": "string"}, "password": {"type": "string"}, "otp": {"type": "string"}}}}}},
          "responses": {"200": {"description": "Signed in", "content": {"application/json": {"schema": {"type": "object", "required": ["token", "csrf"],
            "properties": {"token": {"type": "string"}, "csrf": {"type": "string"}, "user": {"$ref": "#/components/schemas/User"}}}}}},
            "400": {"$ref": "#/components/responses/Error"}, "401": {"$ref": "#/components/responses/Error"}, "423": {"$ref": "#/components/responses/Error"}}}},
        "/api/v1/auth/logout": {"post": {"summary": "Sign out", "responses": {"204": {"description": "Signed out"}, "401": {"$ref": "#/components/responses/Error"}}}},
        "/api/v1/auth/me": {"get": {"summary": "Who is signed in, with roles, permissions and the CSRF token",
          "responses": {"200": {"description": "The signed-in user", "content": {"application/json": {"schema": {"type": "object"}}}}, "401": {"$ref": "#/components/responses/Error"}}}},
        "/api/v1/stats": {"get": {"summary": "Archive counts", "responses": {"200": {"description": "Counts", "content": {"application/json": {"schema": {"type": "object"}}}},
          "401": {"$ref": "#/components/responses/Error"}, "403": {"$ref": "#/components/responses/Error"}}}},
        "/api/v1/conversations": {"get": {"summary": "Conversations the reader may see, most recent first",
          "parameters": [{"name": "party", "in": "query", "schema": {"type": "string"}}, {"name": "room", "in": "query", "schema": {"type": "string"}},
            {"$ref": "#/components/parameters/limit"}, {"$ref": "#/components/parameters/offset"}],
          "responses": {"200": {"description": "A page", "content": {"application/json": {"schema": {"type": "object", "properties": {
            "total": {"type": "integer"}, "items": {"type": "array", "items": {"$ref": "#/components/schemas/Conversation"}}}}}}},
            "400": {"$ref": "#/components/responses/Error"}, "401": {"$ref": "#/components/responses/Error"}, "403": {"$ref": "#/components/responses/Error"}}}},
        "/api/v1/conversations/{id}/messages": {"get": {"summary": "A conversation's messages in time order (audited)",
          "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}},
            {"$ref": "#/components/parameters/limit"}, {"$ref": "#/components/parameters/offset"}],
          "responses": {"200": {"description": "A page", "content": {"application/json": {"schema": {"type": "object", "properties": {
            "total": {"type": "integer"}, "items": {"type": "array", "items": {"$ref": "#/components/schemas/Message"}}}}}}},
            "400": {"$ref": "#/components/responses/Error"}, "401": {"$ref": "#/components/responses/Error"}, "403": {"$ref": "#/components/responses/Error"}, "404": {"$ref": "#/components/responses/Error"}}}},
        "/api/v1/customers/{id}": {"get": {"summary": "A customer's whole history across every employee (audited)",
          "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}],
          "responses": {"200": {"description": "The customer and their conversations", "content": {"application/json": {"schema": {"type": "object"}}}},
            "401": {"$ref": "#/components/responses/Error"}, "403": {"$ref": "#/components/responses/Error"}, "404": {"$ref": "#/components/responses/Error"}}}},
        "/api/v1/messages/{msgid}": {"get": {"summary": "One message (audited)",
          "parameters": [{"name": "msgid", "in": "path", "required": true, "schema": {"type": "string"}}],
          "responses": {"200": {"description": "The message", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Message"}}}},
            "401": {"$ref": "#/components/responses/Error"}, "403": {"$ref": "#/components/responses/Error"}, "404": {"$ref": "#/components/responses/Error"}}}},
        "/api/v1/search": {"get": {"summary": "Full-text search with filters (audited)",
          "parameters": [{"name": "q", "in": "query", "schema": {"type": "string"}}, {"name": "employee", "in": "query", "schema": {"type": "string"}},
            {"name": "department", "in": "query", "schema": {"type": "integer"}}, {"name": "customer", "in": "query", "schema": {"type": "string"}},
            {"name": "room", "in": "query", "schema": {"type": "string"}}, {"name": "conversation", "in": "query", "schema": {"type": "string"}},
            {"name": "since", "in": "query", "schema": {"type": "string"}}, {"name": "until", "in": "query", "schema": {"type": "string"}},
            {"name": "type", "in": "query", "schema": {"type": "string"}}, {"name": "ext", "in": "query", "schema": {"type": "string"}},
            {"name": "has_media", "in": "query", "schema": {"type": "boolean"}}, {"name": "recalled", "in": "query", "schema": {"type": "boolean"}},
            {"name": "order", "in": "query", "schema": {"type": "string", "enum": ["newest", "oldest"]}},
            {"$ref": "#/components/parameters/limit"}, {"$ref": "#/components/parameters/offset"}],
          "responses": {"200": {"description": "Hits with snippets", "content": {"application/json": {"schema": {"type": "object", "properties": {
            "total": {"type": "integer"}, "totalIsLowerBound": {"type": "boolean"}, "hits": {"type": "array", "items": {"type": "object"}}}}}}},
            "400": {"$ref": "#/components/responses/Error"}, "401": {"$ref": "#/components/responses/Error"}, "403": {"$ref": "#/components/responses/Error"}}}},
        "/api/v1/media/{sha256}": {"get": {"summary": "Download an attachment (audited)",
          "parameters": [{"name": "sha256", "in": "path", "required": true, "schema": {"type": "string"}},
            {"name": "msgid", "in": "query", "required": true, "schema": {"type": "string"}}],
          "responses": {"200": {"description": "The bytes", "content": {"application/octet-stream": {}}},
            "400": {"$ref": "#/components/responses/Error"}, "401": {"$ref": "#/components/responses/Error"}, "403": {"$ref": "#/components/responses/Error"}, "404": {"$ref": "#/components/responses/Error"}}}},
        "/api/v1/alerts": {"get": {"summary": "The alert queue",
          "parameters": [{"name": "status", "in": "query", "schema": {"type": "string", "enum": ["open", "assigned", "acknowledged", "resolved", "false-positive"]}},
            {"name": "category", "in": "query", "schema": {"type": "string"}}, {"$ref": "#/components/parameters/limit"}],
          "responses": {"200": {"description": "Alerts", "content": {"application/json": {"schema": {"type": "object", "properties": {
            "total": {"type": "integer"}, "items": {"type": "array", "items": {"$ref": "#/components/schemas/Alert"}}}}}}},
            "400": {"$ref": "#/components/responses/Error"}, "401": {"$ref": "#/components/responses/Error"}, "403": {"$ref": "#/components/responses/Error"}}}},
        "/api/v1/alerts/{id}": {"get": {"summary": "One alert with its hits and history",
          "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "integer"}}],
          "responses": {"200": {"description": "The alert", "content": {"application/json": {"schema": {"type": "object"}}}},
            "401": {"$ref": "#/components/responses/Error"}, "403": {"$ref": "#/components/responses/Error"}, "404": {"$ref": "#/components/responses/Error"}}}},
        "/api/v1/alerts/{id}/actions": {"post": {"summary": "Assign, acknowledge, resolve, mark false positive, reopen or note",
          "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "integer"}}],
          "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "required": ["action"], "properties": {
            "action": {"type": "string", "enum": ["assign", "acknowledge", "resolve", "false-positive", "reopen", "note"]},
            "assignee": {"type": "string"}, "note": {"type": "string"}}}}}},
          "responses": {"200": {"description": "The alert after the action", "content": {"application/json": {"schema": {"type": "object"}}}},
            "400": {"$ref": "#/components/responses/Error"}, "401": {"$ref": "#/components/responses/Error"}, "403": {"$ref": "#/components/responses/Error"},
            "404": {"$ref": "#/components/responses/Error"}, "409": {"$ref": "#/components/responses/Error"}}}},
        "/api/v1/audit": {"get": {"summary": "The audit log, newest first",
          "parameters": [{"name": "actor", "in": "query", "schema": {"type": "string"}}, {"name": "action", "in": "query", "schema": {"type": "string"}},
            {"name": "since", "in": "query", "schema": {"type": "string"}}, {"name": "until", "in": "query", "schema": {"type": "string"}},
            {"name": "before", "in": "query", "schema": {"type": "integer"}}, {"$ref": "#/components/parameters/limit"}],
          "responses": {"200": {"description": "Events", "content": {"application/json": {"schema": {"type": "object", "properties": {
            "total": {"type": "integer"}, "items": {"type": "array", "items": {"$ref": "#/components/schemas/AuditEvent"}}}}}}},
            "400": {"$ref": "#/components/responses/Error"}, "401": {"$ref": "#/components/responses/Error"}, "403": {"$ref": "#/components/responses/Error"}}}},
        "/api/v1/users": {
          "get": {"summary": "Console users", "responses": {"200": {"description": "Users", "content": {"application/json": {"schema": {"type": "object", "properties": {
            "total": {"type": "integer"}, "items": {"type": "array", "items": {"$ref": "#/components/schemas/User"}}}}}}},
            "401": {"$ref": "#/components/responses/Error"}, "403": {"$ref": "#/components/responses/Error"}}},
          "post": {"summary": "Add a user",
            "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "required": ["username", "password", "roles"], "properties": {
              "username": {"type": "string"}, "password": {"type": "string"}, "displayName": {"type": "string"},
              "roles": {"type": "array", "items": {"type": "string", "enum": ["admin", "auditor", "manager", "qa", "viewer"]}},
              "departments": {"type": "array", "items": {"type": "integer"}}, "mayUnmask": {"type": "boolean"}}}}}},
            "responses": {"201": {"description": "Added", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/User"}}}},
              "400": {"$ref": "#/components/responses/Error"}, "401": {"$ref": "#/components/responses/Error"}, "403": {"$ref": "#/components/responses/Error"}, "409": {"$ref": "#/components/responses/Error"}}}},
        "/api/v1/users/{username}": {"patch": {"summary": "Change roles, scope, password; disable",
          "parameters": [{"name": "username", "in": "path", "required": true, "schema": {"type": "string"}}],
          "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "properties": {
            "displayName": {"type": "string"}, "password": {"type": "string"}, "roles": {"type": "array", "items": {"type": "string"}},
            "departments": {"type": "array", "items": {"type": "integer"}}, "mayUnmask": {"type": "boolean"}, "disabled": {"type": "boolean"}}}}}},
          "responses": {"200": {"description": "Changed", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/User"}}}},
            "400": {"$ref": "#/components/responses/Error"}, "401": {"$ref": "#/components/responses/Error"}, "403": {"$ref": "#/components/responses/Error"}, "404": {"$ref": "#/components/responses/Error"}}}},
        "/api/v1/protected-staff": {"get": {"summary": "Protected staff (敏感岗位) and who may read their conversations",
          "responses": {"200": {"description": "Entries", "content": {"application/json": {"schema": {"type": "object"}}}},
            "401": {"$ref": "#/components/responses/Error"}, "403": {"$ref": "#/components/responses/Error"}}}},
        "/api/v1/protected-staff/{userid}": {"put": {"summary": "Protect an employee (empty viewers lifts it)",
          "parameters": [{"name": "userid", "in": "path", "required": true, "schema": {"type": "string"}}],
          "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "required": ["viewers"], "properties": {
            "viewers": {"type": "array", "items": {"type": "string"}}}}}}},
          "responses": {"200": {"description": "Saved", "content": {"application/json": {"schema": {"type": "object"}}}},
            "400": {"$ref": "#/components/responses/Error"}, "401": {"$ref": "#/components/responses/Error"}, "403": {"$ref": "#/components/responses/Error"}}}},
        "/api/v1/sla/overdue": {"get": {"summary": "Customers waiting past their reply deadline now (business calendar, or every hour with all_hours)",
          "parameters": [{"name": "all_hours", "in": "query", "schema": {"type": "boolean"}}],
          "responses": {"200": {"description": "Overdue waits", "content": {"application/json": {"schema": {"type": "object"}}}},
            "400": {"$ref": "#/components/responses/Error"}, "401": {"$ref": "#/components/responses/Error"}, "403": {"$ref": "#/components/responses/Error"}}}},
        "/api/v1/sla/stats": {"get": {"summary": "First-response and average response times, reply rate, per employee and department",
          "parameters": [{"name": "since", "in": "query", "schema": {"type": "string"}}, {"name": "until", "in": "query", "schema": {"type": "string"}}],
          "responses": {"200": {"description": "Statistics", "content": {"application/json": {"schema": {"type": "object"}}}},
            "400": {"$ref": "#/components/responses/Error"}, "401": {"$ref": "#/components/responses/Error"}, "403": {"$ref": "#/components/responses/Error"}}}},
        "/api/v1/sla/settings": {
          "get": {"summary": "Reply-timeout and review settings in force", "responses": {"200": {"description": "Settings", "content": {"application/json": {"schema": {"type": "object"}}}},
            "401": {"$ref": "#/components/responses/Error"}, "403": {"$ref": "#/components/responses/Error"}}},
          "put": {"summary": "Save new settings (a new version)", "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object"}}}},
            "responses": {"200": {"description": "Saved", "content": {"application/json": {"schema": {"type": "object"}}}},
              "400": {"$ref": "#/components/responses/Error"}, "401": {"$ref": "#/components/responses/Error"}, "403": {"$ref": "#/components/responses/Error"}}}},
        "/api/v1/qa/samples": {
          "get": {"summary": "The quality-review queue", "parameters": [{"name": "period", "in": "query", "schema": {"type": "string"}},
            {"name": "reviewed", "in": "query", "schema": {"type": "boolean"}}],
            "responses": {"200": {"description": "Samples", "content": {"application/json": {"schema": {"type": "object"}}}},
              "400": {"$ref": "#/components/responses/Error"}, "401": {"$ref": "#/components/responses/Error"}, "403": {"$ref": "#/components/responses/Error"}}},
          "post": {"summary": "Draw each employee's sample for a month", "requestBody": {"required": true, "content": {"application/json": {"schema": {
            "type": "object", "required": ["period"], "properties": {"period": {"type": "string", "example": "2026-11"}}}}}},
            "responses": {"200": {"description": "The month's samples", "content": {"application/json": {"schema": {"type": "object"}}}},
              "400": {"$ref": "#/components/responses/Error"}, "401": {"$ref": "#/components/responses/Error"}, "403": {"$ref": "#/components/responses/Error"}}}},
        "/api/v1/qa/samples/{id}/score": {"post": {"summary": "Score a sample against the rubric",
          "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "integer"}}],
          "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "required": ["items"], "properties": {
            "items": {"type": "object", "additionalProperties": {"type": "number", "minimum": 0, "maximum": 100}}, "comment": {"type": "string"}}}}}},
          "responses": {"200": {"description": "The scored sample", "content": {"application/json": {"schema": {"type": "object"}}}},
            "400": {"$ref": "#/components/responses/Error"}, "401": {"$ref": "#/components/responses/Error"}, "403": {"$ref": "#/components/responses/Error"},
            "404": {"$ref": "#/components/responses/Error"}}}},
        "/api/v1/reports": {"get": {"summary": "Violation ranking, peak hours, topics, response times, review scores, sentiment, volume",
          "parameters": [{"name": "since", "in": "query", "schema": {"type": "string"}}, {"name": "until", "in": "query", "schema": {"type": "string"}},
            {"name": "department", "in": "query", "schema": {"type": "integer"}}],
          "responses": {"200": {"description": "The report", "content": {"application/json": {"schema": {"type": "object"}}}},
            "400": {"$ref": "#/components/responses/Error"}, "401": {"$ref": "#/components/responses/Error"}, "403": {"$ref": "#/components/responses/Error"}}}},
        "/api/v1/reports/{table}": {"get": {"summary": "One report table as CSV",
          "parameters": [{"name": "table", "in": "path", "required": true, "schema": {"type": "string", "enum": ["violations.csv", "departments.csv",
            "peak-hours.csv", "topics.csv", "response.csv", "quality.csv", "negative-conversations.csv", "volume-employees.csv", "volume-groups.csv", "volume-days.csv"]}},
            {"name": "since", "in": "query", "schema": {"type": "string"}}, {"name": "until", "in": "query", "schema": {"type": "string"}},
            {"name": "department", "in": "query", "schema": {"type": "integer"}}],
          "responses": {"200": {"description": "CSV", "content": {"text/csv": {}}}, "400": {"$ref": "#/components/responses/Error"},
            "401": {"$ref": "#/components/responses/Error"}, "403": {"$ref": "#/components/responses/Error"}, "404": {"$ref": "#/components/responses/Error"}}}},
        "/api/v1/status": {"get": {"summary": "Ledger, checkpoint, policy and service status",
          "responses": {"200": {"description": "Status", "content": {"application/json": {"schema": {"type": "object"}}}},
            "401": {"$ref": "#/components/responses/Error"}, "403": {"$ref": "#/components/responses/Error"}}}}
      }
    }
    """#
}
