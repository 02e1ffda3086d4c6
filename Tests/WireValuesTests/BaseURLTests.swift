import Testing
import WireValues

@Suite struct BaseURLTests {
    @Test func everyTrailingSlashOfTheBaseIsDropped() {
        #expect(BaseURL("http://h:8080///").text == "http://h:8080")
        #expect(BaseURL("http://h:8080/api/").url("/list") == "http://h:8080/api/list")
        #expect(BaseURL("http://h:8080").url("/list") == "http://h:8080/list")
        #expect(BaseURL("http://h:8080/").url() == "http://h:8080")
    }

    @Test func hostAndPortIsTheAuthorityWithTheSchemesPortFilledIn() {
        #expect(BaseURL("https://api.example/apis/x?watch=true").hostAndPort == "api.example:443")
        #expect(BaseURL("http://registry.svc/api").hostAndPort == "registry.svc:80")
        #expect(BaseURL("http://127.0.0.1:8080/list").hostAndPort == "127.0.0.1:8080")
        #expect(BaseURL("https://user:secret@h:6443").hostAndPort == "h:6443")
        #expect(BaseURL("https://[::1]/x").hostAndPort == "[::1]:443")
        #expect(BaseURL("http://[fd00::2]:9090").hostAndPort == "[fd00::2]:9090")
    }

    @Test func aPathWithoutALeadingSlashGetsOne() {
        #expect(BaseURL("http://h/").url("list") == "http://h/list")
    }

    @Test func queryNamesAndValuesArePercentEncodedAndJoined() {
        let url = BaseURL("http://h/").url("/fetch", query: [("key", "a b&c=d/é"), ("type", "model~1.x_y-z")])
        #expect(url == "http://h/fetch?key=a%20b%26c%3Dd%2F%C3%A9&type=model~1.x_y-z")
    }

    @Test func aQueryIsAppendedAfterOneThePathAlreadyCarries() {
        #expect(
            BaseURL("http://h").url("/list?limit=5", query: [("next", "x y")]) == "http://h/list?limit=5&next=x%20y")
    }

    @Test func segmentsAreEncodedWholeSoSlashesInsideThemCannotChangeThePath() {
        let url = BaseURL("https://h/api/model_registry/v1alpha3/").url(
            segments: ["model_versions", "../1/2", "artifacts"], query: [("pageSize", "100")])
        #expect(url == "https://h/api/model_registry/v1alpha3/model_versions/..%2F1%2F2/artifacts?pageSize=100")
    }

    @Test func aMultiSegmentPathKeepsItsSeparators() {
        #expect(PercentEncoding.path("org/model name%") == "org/model%20name%25")
        #expect(PercentEncoding.segment("org/model") == "org%2Fmodel")
    }
}
