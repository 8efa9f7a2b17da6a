import Alerts
import Console
import Foundation
import WeCom

/// The alert channels `chatledger serve` delivers through, from the configuration's `alerts` section.
enum AlertChannelsFromConfig {
    static func channels(_ settings: ConsoleConfig.AlertSettings?) -> [any AlertChannel] {
        guard let settings else { return [] }
        var channels: [any AlertChannel] = []
        if let app = settings.wecomApp {
            let base = app.baseURL.flatMap(URL.init(string:)) ?? URL(string: "https://qyapi.weixin.qq.com/cgi-bin/")!
            channels.append(WeComAppMessageChannel(api: WeComAPIClient(baseURL: base, corpID: app.corpID, secret: app.secret),
                                                   agentID: app.agentID, toUsers: app.toUsers, consoleURL: settings.consoleURL))
        }
        if let robot = settings.robotURL.flatMap(URL.init(string:)) {
            channels.append(WeComRobotChannel(url: robot, consoleURL: settings.consoleURL))
        }
        if let webhook = settings.webhook, let url = URL(string: webhook.url) {
            channels.append(WebhookChannel(url: url, secret: webhook.secret, consoleURL: settings.consoleURL))
        }
        return channels
    }
}
