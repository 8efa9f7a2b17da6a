import ArchiveModel

/// An external contact's consent to archiving (同意存档) with one employee, as the store keeps it per pair.
package struct ConsentRecord: Sendable, Hashable {
    package var employee: PartyID
    package var customer: PartyID
    package var agreed: Bool
    /// When the consent changed; `nil` when WeCom's API did not say.
    package var changedAt: WeComTime?

    package init(employee: PartyID, customer: PartyID, agreed: Bool, changedAt: WeComTime?) {
        self.employee = employee
        self.customer = customer
        self.agreed = agreed
        self.changedAt = changedAt
    }

    /// The record an `agree` or `disagree` message makes; `nil` for any other message.
    ///
    /// The employee is the message's first recipient (the sender when there is none: the customer writes the
    /// record to the employee); the time is the one in the record, else the message's.
    package init?(_ message: ChatMessage) {
        let consent: Consent
        switch message.content {
        case .agree(let given):
            consent = given
            agreed = true
        case .disagree(let given):
            consent = given
            agreed = false
        default:
            return nil
        }
        employee = message.toList.first ?? message.from
        customer = consent.externalUserID
        changedAt = consent.time ?? message.time
    }

    /// The pair the store keys consent by.
    package var pair: Pair { Pair(employee: employee, customer: customer) }

    package struct Pair: Sendable, Hashable {
        package var employee: PartyID
        package var customer: PartyID

        package init(employee: PartyID, customer: PartyID) {
            self.employee = employee
            self.customer = customer
        }
    }
}
