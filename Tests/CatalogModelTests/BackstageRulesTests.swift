import Testing

@testable import CatalogModel

@Suite struct BackstageRulesTests {
    @Test(arguments: ["rhoai", "text-generation", "a:b", "c++", "c#", "v1", String(repeating: "a", count: 63)])
    func validTagsAreAccepted(tag: String) {
        #expect(BackstageRules.isValidTag(tag))
    }

    @Test(arguments: ["", "Red Hat", "1.4.0", "a_b", "-a", "a-", "a--b", "UPPER", String(repeating: "a", count: 64)])
    func invalidTagsAreRejected(tag: String) {
        #expect(!BackstageRules.isValidTag(tag))
    }

    @Test func sanitizeTagProducesValidTagsOrNothing() {
        #expect(BackstageRules.sanitizeTag("Red Hat") == "redhat")
        #expect(
            BackstageRules.sanitizeTag("networkingkserveiovisibility-exposed") == "networkingkserveiovisibility-exposed"
        )
        #expect(BackstageRules.sanitizeTag("--") == nil)
        #expect(BackstageRules.sanitizeTag("日本") == nil)
    }

    @Test func entityNamesThatAreValidStayAsTheyAre() {
        #expect(BackstageRules.entityName(candidate: "mnist-v1", identity: "x") == "mnist-v1")
        #expect(BackstageRules.entityName(candidate: "Inference_Server.v2", identity: "x") == "Inference_Server.v2")
    }

    @Test func longOrEmptyEntityNamesBecomeValidAndDistinct() {
        let long = String(repeating: "a", count: 63) + "-" + String(repeating: "b", count: 20)
        let first = BackstageRules.entityName(candidate: long, identity: "one")
        let second = BackstageRules.entityName(candidate: long, identity: "two")
        #expect(BackstageRules.isValidEntityName(first) && BackstageRules.isValidEntityName(second))
        #expect(first != second)
        #expect(BackstageRules.isValidEntityName(BackstageRules.entityName(candidate: "", identity: "x")))
        #expect(BackstageRules.isValidEntityName(BackstageRules.entityName(candidate: "-", identity: "x")))
    }

    @Test func ownersAreBareNamesAndNeverEmpty() {
        #expect(BackstageRules.ownerName("kube:admin", fallback: "d") == "kubeadmin")
        #expect(BackstageRules.ownerName("user:alice", fallback: "d") == "alice")
        #expect(BackstageRules.ownerName("!!!", fallback: "d") == "d")
        #expect(BackstageRules.ownerName(nil, fallback: "d") == "d")
    }

    @Test func settingsSanitiseDefaultsAndFallBackWhenEmpty() {
        let settings = NormalizerSettings(defaultOwner: "!!", defaultLifecycle: "", modelCardBaseURL: "http://x:9090/")
        #expect(settings.defaultOwner == "rhdh-rhoai-bridge")
        #expect(settings.defaultLifecycle == "development")
        #expect(settings.modelCardBaseURL == "http://x:9090")
    }
}
