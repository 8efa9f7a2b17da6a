import Foundation

/// Charts drawn on the server as SVG: no script, every label escaped.
public enum SVGChart {
    /// Horizontal bars, largest first as given.
    public static func bars(_ items: [(label: String, value: Double)], width: Int = 560, unit: String = "") -> SafeHTML {
        let rowHeight = 22, labelWidth = 150
        let height = max(rowHeight, items.count * rowHeight) + 8
        let maximum = max(items.map(\.value).max() ?? 1, 1)
        var svg = open(width: width, height: height, title: "bar chart")
        for (index, item) in items.enumerated() {
            let y = index * rowHeight + 4
            let length = Int(Double(width - labelWidth - 60) * item.value / maximum)
            svg += "<text x=\"\(labelWidth - 6)\" y=\"\(y + 15)\" text-anchor=\"end\" font-size=\"12\">\(escape(item.label))</text>"
            svg += "<rect x=\"\(labelWidth)\" y=\"\(y + 3)\" width=\"\(max(length, 1))\" height=\"\(rowHeight - 8)\" fill=\"#3b82f6\" rx=\"2\"/>"
            svg += "<text x=\"\(labelWidth + length + 6)\" y=\"\(y + 15)\" font-size=\"12\" fill=\"#334155\">\(escape(format(item.value) + unit))</text>"
        }
        return SafeHTML(escapedMarkup: svg + "</svg>")
    }

    /// A weekday × hour heatmap (rows Monday…Sunday).
    public static func heatmap(_ matrix: [[Int]], rowLabels: [String]) -> SafeHTML {
        let cell = 20, left = 44, top = 18
        let width = left + 24 * cell + 4, height = top + matrix.count * cell + 4
        let maximum = max(matrix.flatMap { $0 }.max() ?? 1, 1)
        var svg = open(width: width, height: height, title: "heatmap")
        for hour in stride(from: 0, to: 24, by: 3) {
            svg += "<text x=\"\(left + hour * cell + cell / 2)\" y=\"12\" text-anchor=\"middle\" font-size=\"10\" fill=\"#64748b\">\(hour)</text>"
        }
        for (row, values) in matrix.enumerated() {
            let label = row < rowLabels.count ? rowLabels[row] : ""
            svg += "<text x=\"\(left - 6)\" y=\"\(top + row * cell + 14)\" text-anchor=\"end\" font-size=\"11\">\(escape(label))</text>"
            for (hour, value) in values.enumerated() {
                let shade = value == 0 ? 0.04 : 0.15 + 0.85 * Double(value) / Double(maximum)
                svg += "<rect x=\"\(left + hour * cell)\" y=\"\(top + row * cell)\" width=\"\(cell - 2)\" height=\"\(cell - 2)\" fill=\"#2563eb\" fill-opacity=\"\(format(shade, digits: 2))\"><title>\(escape(label)) \(hour):00 — \(value)</title></rect>"
            }
        }
        return SafeHTML(escapedMarkup: svg + "</svg>")
    }

    /// Columns per day, stacked series (e.g. customer and staff messages).
    public static func columns(_ days: [(label: String, values: [Int])], colors: [String] = ["#f59e0b", "#3b82f6"], width: Int = 560) -> SafeHTML {
        let height = 160, bottom = 20
        let maximum = max(days.map { $0.values.reduce(0, +) }.max() ?? 1, 1)
        let step = days.isEmpty ? width : max(2, (width - 10) / days.count)
        var svg = open(width: width, height: height, title: "columns")
        for (index, day) in days.enumerated() {
            var y = height - bottom
            for (series, value) in day.values.enumerated() {
                let size = Int(Double(height - bottom - 10) * Double(value) / Double(maximum))
                y -= size
                svg += "<rect x=\"\(5 + index * step)\" y=\"\(y)\" width=\"\(max(1, step - 2))\" height=\"\(size)\" fill=\"\(escape(colors[series % colors.count]))\"><title>\(escape(day.label)): \(value)</title></rect>"
            }
            if days.count <= 12 || index % max(1, days.count / 8) == 0 {
                svg += "<text x=\"\(5 + index * step)\" y=\"\(height - 5)\" font-size=\"9\" fill=\"#64748b\">\(escape(String(day.label.suffix(5))))</text>"
            }
        }
        return SafeHTML(escapedMarkup: svg + "</svg>")
    }

    static func open(width: Int, height: Int, title: String) -> String {
        "<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" aria-label=\"\(title)\" width=\"\(width)\" height=\"\(height)\" viewBox=\"0 0 \(width) \(height)\" font-family=\"sans-serif\">"
    }

    public static func escape(_ text: String) -> String {
        var escaped = ""
        for character in text {
            switch character {
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "&": escaped += "&amp;"
            case "\"": escaped += "&quot;"
            case "'": escaped += "&#39;"
            default: escaped.append(character)
            }
        }
        return escaped
    }

    static func format(_ value: Double, digits: Int = 1) -> String {
        value == value.rounded() && digits == 1 ? String(Int(value)) : String(format: "%.\(digits)f", value)
    }
}
