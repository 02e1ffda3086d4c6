import AsyncHTTPClient
import Foundation
import Hummingbird
import KubeAPI
import NIOCore

/// Sends one `pods/proxy` request to the pod and streams the pod's answer back: its status, its headers (without
/// hop-by-hop ones, `Location` rewritten under the proxy path) and its body as it arrives. A pod that cannot be
/// reached is kube-apiserver's 503 `ServiceUnavailable` Status, `error trying to reach service: <Go dial error>`.
///
/// ```swift
/// let response = await FakeKubePodProxyForwarder(client: client).forward(target)
/// ```
struct FakeKubePodProxyForwarder: Sendable {
    let client: HTTPClient

    func forward(_ target: FakeKubePodProxy.Target) async -> Response {
        var outgoing = HTTPClientRequest(url: target.url)
        outgoing.method = .init(rawValue: target.method)
        for (name, value) in target.headers { outgoing.headers.add(name: name, value: value) }
        if !target.body.isEmpty || ["POST", "PUT", "PATCH"].contains(target.method) {
            outgoing.body = .bytes(ByteBuffer(bytes: target.body))
        }
        let upstream: HTTPClientResponse
        do {
            // The real proxy has no deadline of its own; this one only keeps a stuck pod from holding a test forever.
            upstream = try await client.execute(outgoing, timeout: .seconds(3600))
        } catch {
            return Self.statusResponse(FakeKubePodProxy.unreachable(Self.dialError(error, address: target.address)))
        }
        var headers = HTTPFields()
        for header in upstream.headers
        where !FakeKubePodProxy.droppedResponseHeaders.contains(header.name.lowercased()) {
            guard let name = HTTPFields.Element.Name(header.name) else { continue }
            let value =
                name == .location ? FakeKubePodProxy.rewrittenLocation(header.value, target: target) : header.value
            headers.append(HTTPFields.Element(name: name, value: value))
        }
        let body = ResponseBody { writer in
            for try await chunk in upstream.body { try await writer.write(chunk) }
            try await writer.finish(nil)
        }
        return Response(status: HTTPResponse.Status(code: Int(upstream.status.code)), headers: headers, body: body)
    }

    /// What Go's dialer would have said: `dial tcp 127.0.0.1:9: connect: connection refused`, `… i/o timeout`, or the
    /// client's own description of anything else.
    static func dialError(_ error: any Error, address: String) -> String {
        if let clientError = error as? HTTPClientError, clientError == .connectTimeout {
            return "dial tcp \(address): i/o timeout"
        }
        let text = String(describing: error)
        if text.lowercased().contains("connection refused") || text.contains("errno: 111") {
            return "dial tcp \(address): connect: connection refused"
        }
        return text
    }

    /// A `Status` body with the code it carries.
    static func statusResponse(_ failure: FakeKubeFailure) -> Response {
        var body = (try? JSONValue(encoding: failure.status)) ?? .object([:])
        body["metadata"] = .object([:])
        let data = (try? KubeJSON.encoder.encode(body)) ?? Data("{}".utf8)
        var headers = HTTPFields()
        headers[.contentType] = "application/json"
        return Response(
            status: HTTPResponse.Status(code: failure.httpStatus), headers: headers,
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }
}
