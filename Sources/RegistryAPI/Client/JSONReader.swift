import Foundation
import NIOCore
import WireValues

/// GET-and-decode with the error rules every registry and catalog call shares, and the paging
/// loop. A failure on any page fails the whole read; an item that does not decode does not (it
/// is returned in ``DecodedList/undecodable``).
struct JSONReader: Sendable {
    let key: String
    let token: String?
    let transport: RegistryTransport
    let maxPages: Int

    /// The decoded body, or `nil` for an empty 2xx body. Any non-2xx status throws.
    func fetch<T: Decodable>(_ type: T.Type, url: String) async throws -> T? {
        let response = try await transport.get(url, registry: key, token: token)
        let bytes = Data(response.body.readableBytesView)
        guard (200..<300).contains(response.status) else {
            throw failure(for: response, bytes: bytes, url: url)
        }
        if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) {
            return nil
        }
        do {
            return try JSONDecoder().decode(T.self, from: bytes)
        } catch {
            if !response.isJSON, let first = bytes.first(where: { $0 > 0x20 }), first != UInt8(ascii: "{"),
                first != UInt8(ascii: "[")
            {
                throw RegistryError(
                    registry: key, url: url, status: response.status,
                    reason: .unexpectedResponse(contentType: response.contentType, excerpt: Self.excerpt(bytes))
                )
            }
            throw RegistryError(
                registry: key, url: url, status: response.status, reason: .undecodable(String(describing: error))
            )
        }
    }

    /// Every item of a paged list: sends `pageSize` on every request and follows
    /// `nextPageToken` until it is empty. A repeated token or too many pages is an error. Items
    /// that do not decode are returned apart, each with its page and URL.
    func listAll<Item>(base: String, path: String, query: [(String, String)], pageSize: Int) async throws
        -> DecodedList<Item>
    where Item: Codable & Sendable & Hashable {
        var items: [Item] = []
        var undecodable: [UndecodableItem] = []
        var token = ""
        var seenTokens: Set<String> = []
        var pages = 0
        while true {
            var parameters = query
            parameters.append(("pageSize", String(pageSize)))
            if !token.isEmpty {
                parameters.append(("nextPageToken", token))
            }
            let url = BaseURL(base).url(path, query: parameters)
            let page: ListPage<Item>
            do {
                page = try await fetch(ListPage<Item>.self, url: url) ?? .empty
            } catch var error as RegistryError {
                error.pagesRead = pages
                throw error
            }
            pages += 1
            items.append(contentsOf: page.items)
            for var item in page.undecodable {
                item.page = pages
                item.url = url
                undecodable.append(item)
            }
            token = page.nextPageToken
            if token.isEmpty {
                return DecodedList(items: items, undecodable: undecodable)
            }
            if !seenTokens.insert(token).inserted {
                throw RegistryError(registry: key, url: url, reason: .repeatedPageToken(token), pagesRead: pages)
            }
            if pages >= maxPages {
                throw RegistryError(registry: key, url: url, reason: .tooManyPages(maxPages), pagesRead: pages)
            }
        }
    }

    private func failure(for response: RegistryHTTPResponse, bytes: Data, url: String) -> RegistryError {
        if response.isJSON, let body = try? JSONDecoder().decode(ErrorBody.self, from: bytes) {
            return RegistryError(
                registry: key, url: url, status: response.status, reason: .api(code: body.code, message: body.message)
            )
        }
        return RegistryError(
            registry: key, url: url, status: response.status,
            reason: .unexpectedResponse(contentType: response.contentType, excerpt: Self.excerpt(bytes))
        )
    }

    /// The start of a body as one printable line, for error messages.
    static func excerpt(_ bytes: Data, limit: Int = 160) -> String {
        let text = String(decoding: bytes.prefix(limit * 4), as: UTF8.self)
        let flattened = text.map { $0.isNewline || $0 == "\t" ? " " : $0 }
        var line = String(flattened.prefix(limit))
        while line.contains("  ") { line = line.replacingOccurrences(of: "  ", with: " ") }
        return line.trimmingWhitespace() + (flattened.count > limit ? "…" : "")
    }
}
