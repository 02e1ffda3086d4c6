import AsyncHTTPClient
import NIOCore
import NIOHTTP1

/// The patch formats the API server takes, by `Content-Type`.
public enum PatchType: String, Sendable {
    /// RFC 7386: objects merge, `null` deletes, arrays replace. Works for every kind.
    case merge = "application/merge-patch+json"
    /// Kubernetes strategic merge: built-in kinds only; for plain maps it behaves like a merge patch.
    case strategicMerge = "application/strategic-merge-patch+json"
    /// RFC 6902 operations.
    case json = "application/json-patch+json"
}

extension KubeClient {
    /// For namespaced kinds a nil namespace means the configured one; cluster-scoped kinds take none.
    func namespaceFor<R: KubeResource>(_ type: R.Type, _ namespace: String?) -> String? {
        R.resource.namespaced ? (namespace ?? config.namespace) : nil
    }

    func describe<R: KubeResource>(_ type: R.Type, namespace: String?, name: String?) -> String {
        var text = R.resource.description
        switch (namespace, name) {
        case (let namespace?, let name?): text += " \(namespace)/\(name)"
        case (nil, let name?): text += " \(name)"
        case (let namespace?, nil): text += " in \(namespace)"
        case (nil, nil): text += " in all namespaces"
        }
        return text
    }

    /// Reads one object. For namespaced kinds a nil namespace means the configured one.
    public func get<R: KubeResource>(_ type: R.Type, name: String, namespace: String? = nil) async throws -> R {
        let namespace = namespaceFor(type, namespace)
        let call = Call(
            method: .GET, path: R.resource.objectPath(name: name, namespace: namespace),
            resource: describe(type, namespace: namespace, name: name))
        let (response, context) = try await send(call)
        return try await decode(R.self, from: response, context: context)
    }

    /// Reads one page of a list. A nil namespace lists all namespaces. An item that does not
    /// decode fails the call (see ``listAllReadable(_:namespace:options:)`` for the lenient read).
    public func list<R: KubeResource>(
        _ type: R.Type, namespace: String? = nil, options: ListOptions = ListOptions()
    ) async throws -> ObjectList<R> {
        let (page, context) = try await listPage(type, namespace: namespace, options: options)
        try Self.requireDecoded(page, context: context)
        return page
    }

    /// Lists everything, following `continue` tokens page by page (`limit` defaults to 500, as client-go's
    /// pager). The result carries the last page's resourceVersion, from which a watch can start. An item that
    /// does not decode fails the call.
    ///
    /// A `continue` token that expires mid-way throws ``KubeAPIError/expired(_:context:)``: the caller relists.
    public func listAll<R: KubeResource>(
        _ type: R.Type, namespace: String? = nil, options: ListOptions = ListOptions()
    ) async throws -> ObjectList<R> {
        var pageOptions = options
        if pageOptions.limit == nil { pageOptions.limit = 500 }
        var items: [R] = []
        while true {
            let (page, context) = try await listPage(type, namespace: namespace, options: pageOptions)
            try Self.requireDecoded(page, context: context)
            items.append(contentsOf: page.items)
            guard let token = page.metadata.continue, !token.isEmpty else {
                return ObjectList(metadata: ListMeta(resourceVersion: page.metadata.resourceVersion), items: items)
            }
            pageOptions.continueToken = token
            // A continued list is served from the first page's snapshot; a resourceVersion is not allowed with it.
            pageOptions.resourceVersion = nil
        }
    }

    /// Like ``listAll(_:namespace:options:)``, but an item that does not decode is left out and returned in
    /// ``ObjectList/undecodable`` instead of failing the whole list (what an informer needs: one damaged
    /// object must not keep it from syncing).
    public func listAllReadable<R: KubeResource>(
        _ type: R.Type, namespace: String? = nil, options: ListOptions = ListOptions()
    ) async throws -> ObjectList<R> {
        var pageOptions = options
        if pageOptions.limit == nil { pageOptions.limit = 500 }
        var items: [R] = []
        var undecodable: [UndecodableObject] = []
        while true {
            let (page, _) = try await listPage(type, namespace: namespace, options: pageOptions)
            items.append(contentsOf: page.items)
            undecodable.append(contentsOf: page.undecodable)
            guard let token = page.metadata.continue, !token.isEmpty else {
                return ObjectList(
                    metadata: ListMeta(resourceVersion: page.metadata.resourceVersion), items: items,
                    undecodable: undecodable)
            }
            pageOptions.continueToken = token
            pageOptions.resourceVersion = nil
        }
    }

    private func listPage<R: KubeResource>(
        _ type: R.Type, namespace: String?, options: ListOptions
    ) async throws -> (ObjectList<R>, KubeRequestContext) {
        let call = Call(
            method: .GET, path: R.resource.collectionPath(namespace: namespace), query: options.queryItems,
            resource: describe(type, namespace: namespace, name: nil))
        let (response, context) = try await send(call)
        return (try await decode(ObjectList<R>.self, from: response, context: context), context)
    }

    /// The all-or-nothing rule of the plain list calls: the first undecodable item fails the list.
    private static func requireDecoded<R: KubeResource>(_ page: ObjectList<R>, context: KubeRequestContext) throws {
        guard let first = page.undecodable.first else { return }
        throw KubeAPIError.undecodableBody(
            type: "\(R.self)", reason: "list item \(first)", excerpt: "", context: context)
    }

    /// Creates an object (201), filling `apiVersion` and `kind`. 409 `AlreadyExists` if it is there.
    public func create<R: KubeResource>(_ object: R, namespace: String? = nil) async throws -> R {
        var object = object
        object.stampTypeMeta()
        let namespace = namespaceFor(R.self, namespace ?? object.metadata.namespace)
        let call = Call(
            method: .POST, path: R.resource.collectionPath(namespace: namespace), body: try encode(object),
            resource: describe(R.self, namespace: namespace, name: object.metadata.name))
        let (response, context) = try await send(call)
        return try await decode(R.self, from: response, context: context)
    }

    /// Replaces an object (PUT). With `metadata.resourceVersion` set, a concurrent change gives 409 `Conflict`.
    ///
    /// Fields the Swift type does not model are dropped; for partially modelled kinds prefer ``mergePatch``.
    public func update<R: KubeResource>(_ object: R) async throws -> R {
        var object = object
        object.stampTypeMeta()
        let namespace = namespaceFor(R.self, object.metadata.namespace)
        let name = object.metadata.name
        let call = Call(
            method: .PUT, path: R.resource.objectPath(name: name, namespace: namespace), body: try encode(object),
            resource: describe(R.self, namespace: namespace, name: name))
        let (response, context) = try await send(call)
        return try await decode(R.self, from: response, context: context)
    }

    /// Reads the object, applies `mutate`, and PUTs it with the read resourceVersion; on 409 `Conflict` it
    /// re-reads and re-applies, up to ``KubeClientOptions/conflictAttempts`` times.
    ///
    /// ```swift
    /// try await client.updateWithRetry(ConfigMap.self, name: "bac-import-model") { map in
    ///     map.binaryData?["k"] = value
    /// }
    /// ```
    @discardableResult
    public func updateWithRetry<R: KubeResource>(
        _ type: R.Type, name: String, namespace: String? = nil, mutate: (inout R) throws -> Void
    ) async throws -> R {
        let namespace = namespaceFor(type, namespace)
        var lastConflict: KubeAPIError?
        for attempt in 1...max(1, options.conflictAttempts) {
            var object = try await get(type, name: name, namespace: namespace)
            try mutate(&object)
            do {
                return try await update(object)
            } catch let error as KubeAPIError where error.isConflict {
                lastConflict = error
                logger.debug(
                    "update conflicted; re-reading and retrying",
                    metadata: ["resource": "\(error.context.resource)", "attempt": "\(attempt)"])
                try await options.sleep(options.conflictDelay)
            }
        }
        throw KubeAPIError.conflictRetriesExhausted(
            attempts: options.conflictAttempts,
            context: lastConflict?.context
                ?? KubeRequestContext(
                    method: "PUT", url: "", resource: describe(type, namespace: namespace, name: name)))
    }

    /// Patches an object with any patch format; the body is encoded as JSON.
    public func patch<R: KubeResource>(
        _ resourceType: R.Type, name: String, namespace: String? = nil, type patchType: PatchType,
        body: some Encodable
    ) async throws -> R {
        let namespace = namespaceFor(resourceType, namespace)
        let call = Call(
            method: .PATCH, path: R.resource.objectPath(name: name, namespace: namespace), body: try encode(body),
            contentType: patchType.rawValue, resource: describe(resourceType, namespace: namespace, name: name))
        let (response, context) = try await send(call)
        return try await decode(R.self, from: response, context: context)
    }

    /// Applies an RFC 7386 JSON merge patch (`application/merge-patch+json`). Put
    /// `"metadata": {"resourceVersion": rv}` in the patch to make it conditional (409 when stale).
    ///
    /// ```swift
    /// try await client.mergePatch(ConfigMap.self, name: "bac-import-model",
    ///                             patch: ["binaryData": ["key": .string(base64)]])
    /// ```
    @discardableResult
    public func mergePatch<R: KubeResource>(
        _ type: R.Type, name: String, namespace: String? = nil, patch: JSONValue
    ) async throws -> R {
        try await self.patch(type, name: name, namespace: namespace, type: .merge, body: patch)
    }

    /// Deletes an object. Succeeds on 200 and 202 (finalizers may keep it around for a while).
    public func delete<R: KubeResource>(_ type: R.Type, name: String, namespace: String? = nil) async throws {
        let namespace = namespaceFor(type, namespace)
        let call = Call(
            method: .DELETE, path: R.resource.objectPath(name: name, namespace: namespace),
            resource: describe(type, namespace: namespace, name: name))
        let (response, _) = try await send(call)
        _ = try? await response.body.collect(upTo: options.maxBodyBytes)
    }

    /// Starts a watch and returns its events as an `AsyncSequence`. Errors of the request itself (401, 403,
    /// 410, …) are thrown here; errors during the stream are thrown by the iterator. A 410, as a status or as an
    /// `ERROR` event, is ``KubeAPIError/expired(_:context:)``.
    ///
    /// ```swift
    /// for try await event in try await client.watch(InferenceService.self, options: .init(resourceVersion: rv)) {
    ///     if case .modified(let isvc) = event { … }
    /// }
    /// ```
    public func watch<R: KubeResource>(
        _ type: R.Type, namespace: String? = nil, options watchOptions: WatchOptions = WatchOptions()
    ) async throws -> KubeWatch<R> {
        let headTimeout = Duration.seconds(max(30, (watchOptions.timeoutSeconds ?? 0) + 30))
        let call = Call(
            method: .GET, path: R.resource.collectionPath(namespace: namespace), query: watchOptions.queryItems,
            resource: "watch " + describe(type, namespace: namespace, name: nil), timeout: headTimeout)
        let (response, context) = try await send(call)
        return KubeWatch(body: response.body, context: context, logger: logger)
    }
}
