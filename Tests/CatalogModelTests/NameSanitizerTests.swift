import Testing

@testable import CatalogModel

@Suite struct NameSanitizerTests {
    @Test(arguments: [
        ("InferenceServer123", "InferenceServer123"),
        ("Inference_Server123", "Inference_Server123"),
        ("Inference_Server#$Test", "Inference_ServerTest"),
        (".-ValidName-_.", "ValidName"),
        ("Test-Name--Tester", "Test-NameTester"),
        (
            "InferenceServer" + String(repeating: "b", count: 64) + "test",
            "InferenceServer" + String(repeating: "b", count: 48)
        ),
        ("!@#$%^&*()", ""),
        ("kube:admin", "kubeadmin"),
        ("granite-3.1-8b-lab-v1-1.4.0", "granite-31-8b-lab-v1-140"),
        ("mnist-v1/8c2c357f-bf82-4d2d-a254-43eca96fd31d", "mnist-v18c2c357f-bf82-4d2d-a254-43eca96fd31d"),
        ("modèle", "modle"),
    ])
    func sanitizeNameMatchesUpstream(input: String, expected: String) {
        #expect(NameSanitizer.sanitizeName(input) == expected)
    }

    @Test func sanitizeModelVersionLowercasesAndTurnsSpacesIntoDashes() {
        #expect(NameSanitizer.sanitizeModelVersion("Version 1.0") == "version-10")
    }
}
