import KubeAPI

/// Answers "may the bridge do this?" for one permission.
///
/// ```swift
/// let allowed = try await KubeAccessReviewer(client: kube).isAllowed(requirement)
/// ```
public protocol AccessReviewer: Sendable {
    /// Whether the permission is granted. Throws when the question cannot be asked (no API, no token).
    func isAllowed(_ requirement: PermissionRequirement) async throws -> Bool
}

/// Asks the API server with a `SelfSubjectAccessReview`, as the identity the client is configured with. A
/// subresource goes in `resourceAttributes.subresource` (`resource: pods`, `subresource: proxy`), as kubectl's
/// `auth can-i get pods --subresource=proxy` sends it.
public struct KubeAccessReviewer: AccessReviewer {
    let client: KubeClient

    public init(client: KubeClient) {
        self.client = client
    }

    public func isAllowed(_ requirement: PermissionRequirement) async throws -> Bool {
        let review = try await client.create(
            SelfSubjectAccessReview(
                verb: requirement.verb, resource: requirement.resource, group: requirement.group,
                namespace: requirement.namespace, subresource: requirement.subresource))
        return review.status?.allowed ?? false
    }
}
