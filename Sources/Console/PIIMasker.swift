/// Masks the numbers that identify a person: mobile numbers, ID-card and bank-card numbers.
///
/// Runs of 11 or more digits (an ID card may end in X; spaces and dashes between groups are read through)
/// keep their first 3 and last 4 digits: `138****5678`, enough to tell two apart, not enough to call.
public enum PIIMasker {
    public static func mask(_ text: String) -> String {
        let characters = Array(text)
        var output = ""
        output.reserveCapacity(text.utf8.count)
        var index = 0
        while index < characters.count {
            guard characters[index].isASCII, characters[index].isNumber else {
                output.append(characters[index])
                index += 1
                continue
            }
            // Read the run: digits, single separators between digit groups, an ID card's final X.
            var end = index
            var digits: [Int] = []
            while end < characters.count {
                let character = characters[end]
                if character.isASCII && character.isNumber {
                    digits.append(end)
                    end += 1
                } else if (character == " " || character == "-"), end + 1 < characters.count,
                          characters[end + 1].isASCII, characters[end + 1].isNumber, !digits.isEmpty {
                    end += 1
                } else if (character == "X" || character == "x"), digits.count == 17 {
                    digits.append(end)
                    end += 1
                    break
                } else {
                    break
                }
            }
            var run = Array(characters[index..<end])
            if digits.count >= 11 {
                for position in digits[3..<(digits.count - 4)] { run[position - index] = "*" }
            }
            output.append(contentsOf: String(run))
            index = end
        }
        return output
    }
}
