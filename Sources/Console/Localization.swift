/// The pages' words in Chinese (default) and English. Templates read them as `{{t.key}}`.
enum Localization {
    static func table(_ language: String) -> [String: String] {
        language == "en" ? english : chinese
    }

    static let chinese: [String: String] = [
        "app": "ChatLedger 会话存档", "conversations": "会话", "customers": "客户", "search": "搜索", "alerts": "风险告警",
        "audit": "审计日志", "admin": "系统管理", "logout": "退出", "login": "登录", "username": "用户名", "password": "密码",
        "otp": "动态验证码（如已启用）", "signin": "登录", "employee": "员工", "customer": "客户", "group": "群聊", "all": "全部",
        "filter": "筛选", "messages": "条消息", "last": "最近", "open": "打开", "recalled": "已撤回", "recall_notice": "撤回了一条消息",
        "download": "下载", "no_results": "没有结果", "prev": "上一页", "next": "下一页", "time": "时间", "sender": "发送人",
        "type": "类型", "content": "内容", "category": "类别", "severity": "等级", "status": "状态", "assignee": "处理人",
        "hits": "命中", "action": "操作", "note": "备注", "assign": "分配", "acknowledge": "确认", "resolve": "解决",
        "false-positive": "误报", "reopen": "重新打开", "actor": "操作人", "target": "对象", "detail": "详情",
        "users": "用户", "roles": "角色", "departments": "部门范围", "disabled": "已停用", "add_user": "添加用户",
        "save": "保存", "protected": "敏感岗位（仅指定人员可见）", "viewers": "可查看人员", "status_ledger": "账本与签名检查点",
        "tree_size": "账本记录数", "checkpoints": "检查点", "policy": "风险策略", "policy_version": "策略版本",
        "from": "起", "until": "止", "keyword": "关键词", "has_media": "含附件", "file_ext": "文件扩展名", "any": "不限",
        "yes": "是", "no": "否", "live": "实时", "history": "处理记录", "customer_history": "客户完整历史（跨所有服务员工）",
        "served_by": "服务员工", "duration": "时长", "seconds": "秒", "transcript": "语音转写", "chat_record": "聊天记录",
        "location": "位置", "card": "名片", "link": "链接", "weapp": "小程序", "vote": "投票", "redpacket": "红包",
        "meeting": "会议", "calendar": "日程", "doc": "在线文档", "todo": "待办", "collect": "填表", "news": "图文",
        "emotion": "表情", "file": "文件", "image": "图片", "voice": "语音", "video": "视频", "text": "文本", "mixed": "混合消息",
        "agree": "同意存档", "disagree": "不同意存档", "switch": "切换企业", "unknown": "未知类型", "markdown": "Markdown",
        "total": "共", "items": "条", "enable_unmask": "可查看完整号码", "language": "English", "not_allowed": "无权访问",
        "service": "服务状态", "alert_queue": "告警队列", "overview": "概览", "message_types": "消息类型",
        "wecom": "企业微信连接", "keys": "密钥", "lexicons": "词库与规则", "terms": "词条", "rules": "规则",
        "amount": "金额", "count": "个数", "coordinates": "坐标", "attendees": "参与人",
        "status.open": "待处理", "status.assigned": "已分配", "status.acknowledged": "已确认", "status.resolved": "已解决",
        "status.false-positive": "误报",
    ]

    static let english: [String: String] = [
        "app": "ChatLedger archive", "conversations": "Conversations", "customers": "Customers", "search": "Search", "alerts": "Alerts",
        "audit": "Audit log", "admin": "Administration", "logout": "Sign out", "login": "Sign in", "username": "Username",
        "password": "Password", "otp": "One-time code (if enabled)", "signin": "Sign in", "employee": "Employee", "customer": "Customer",
        "group": "Group", "all": "All", "filter": "Filter", "messages": "messages", "last": "Last", "open": "Open", "recalled": "Recalled",
        "recall_notice": "recalled a message", "download": "Download", "no_results": "No results", "prev": "Previous", "next": "Next",
        "time": "Time", "sender": "Sender", "type": "Type", "content": "Content", "category": "Category", "severity": "Severity",
        "status": "Status", "assignee": "Assignee", "hits": "Hits", "action": "Action", "note": "Note", "assign": "Assign",
        "acknowledge": "Acknowledge", "resolve": "Resolve", "false-positive": "False positive", "reopen": "Reopen", "actor": "Actor",
        "target": "Target", "detail": "Detail", "users": "Users", "roles": "Roles", "departments": "Departments",
        "disabled": "Disabled", "add_user": "Add user", "save": "Save", "protected": "Protected staff (named viewers only)",
        "viewers": "Viewers", "status_ledger": "Ledger and signed checkpoints", "tree_size": "Ledger records",
        "checkpoints": "Checkpoints", "policy": "Risk policy", "policy_version": "Policy version", "from": "From", "until": "Until",
        "keyword": "Keywords", "has_media": "Has attachment", "file_ext": "File extension", "any": "Any", "yes": "Yes", "no": "No",
        "live": "live", "history": "History", "customer_history": "Whole customer history (every employee who served them)",
        "served_by": "Served by", "duration": "Duration", "seconds": "s", "transcript": "Transcript", "chat_record": "Chat record",
        "location": "Location", "card": "Contact card", "link": "Link", "weapp": "Mini-program", "vote": "Vote", "redpacket": "Red packet",
        "meeting": "Meeting", "calendar": "Calendar", "doc": "Online document", "todo": "To-do", "collect": "Form", "news": "News",
        "emotion": "Sticker", "file": "File", "image": "Image", "voice": "Voice", "video": "Video", "text": "Text", "mixed": "Mixed",
        "agree": "Consented to archiving", "disagree": "Declined archiving", "switch": "Switched corp", "unknown": "Unknown type",
        "markdown": "Markdown", "total": "Total", "items": "", "enable_unmask": "May see full numbers", "language": "中文",
        "not_allowed": "Not allowed", "service": "Service", "alert_queue": "Alert queue", "overview": "Overview",
        "message_types": "Message types", "wecom": "WeCom connection", "keys": "Keys", "lexicons": "Lexicons and rules",
        "terms": "terms", "rules": "Rules", "amount": "Amount", "count": "Count", "coordinates": "Coordinates", "attendees": "Attendees",
        "status.open": "Open", "status.assigned": "Assigned", "status.acknowledged": "Acknowledged", "status.resolved": "Resolved",
        "status.false-positive": "False positive",
    ]
}
