import ArchiveModel
import Decisions
import Testing

@Suite struct RecallLinkingTests {
    @Test func onlyARevokeNamesATarget() {
        #expect(RecallLinking.target(of: Fixtures.revoke("r1", of: "m1")) == "m1")
        #expect(RecallLinking.target(of: Fixtures.message("m1")) == nil)
    }

    @Test func aTargetEarlierInTheBatchIsLinkedWhenInserted() {
        let links = RecallLinking.links(newMessages: [Fixtures.message("m1"), Fixtures.revoke("r1", of: "m1")], storedRevokes: [])
        #expect(links == RecallLinks(recalledBy: ["m1": "r1"], storedTargets: [],
                                     records: [RecallLink(target: "m1", revoke: "r1")]))
    }

    @Test func aTargetLaterInTheBatchIsLinkedWhenInserted() {
        let links = RecallLinking.links(newMessages: [Fixtures.revoke("r1", of: "m1"), Fixtures.message("m1")], storedRevokes: [])
        #expect(links.recalledBy == ["m1": "r1"] && links.storedTargets.isEmpty)
    }

    @Test func aStoredTargetIsLinkedByUpdate() {
        let links = RecallLinking.links(newMessages: [Fixtures.message("m2"), Fixtures.revoke("r1", of: "m1")], storedRevokes: [])
        #expect(links.recalledBy.isEmpty)
        #expect(links.storedTargets == [RecallLink(target: "m1", revoke: "r1")])
        #expect(links.records == [RecallLink(target: "m1", revoke: "r1")])
    }

    @Test func aTargetArrivingAfterItsRevokeTakesTheStoredLink() {
        let links = RecallLinking.links(newMessages: [Fixtures.message("m1")], storedRevokes: [RecallLink(target: "m1", revoke: "r1")])
        #expect(links == RecallLinks(recalledBy: ["m1": "r1"]))
    }

    @Test func theFirstArchivedRevokeLinks() {
        let stored = [RecallLink(target: "m1", revoke: "r1"), RecallLink(target: "m1", revoke: "r2")]
        let afterStored = RecallLinking.links(newMessages: [Fixtures.message("m1"), Fixtures.revoke("r3", of: "m1")], storedRevokes: stored)
        #expect(afterStored.recalledBy == ["m1": "r1"])
        let inBatch = RecallLinking.links(
            newMessages: [Fixtures.revoke("r1", of: "m1"), Fixtures.message("m1"), Fixtures.revoke("r2", of: "m1")], storedRevokes: [])
        #expect(inBatch.recalledBy == ["m1": "r1"])
        #expect(inBatch.records == [RecallLink(target: "m1", revoke: "r1")])
        let storedTarget = RecallLinking.links(newMessages: [Fixtures.revoke("r1", of: "m1"), Fixtures.revoke("r2", of: "m1")],
                                               storedRevokes: [])
        #expect(storedTarget.storedTargets == [RecallLink(target: "m1", revoke: "r1")])
    }

    @Test func aBatchWithoutRevokesLinksNothing() {
        #expect(RecallLinking.links(newMessages: [Fixtures.message("m1"), Fixtures.message("m2")], storedRevokes: []) == RecallLinks())
    }
}
