import Foundation

/// One sync cycle of the emulated entity provider: when it ran, whether the catalog was
/// replaced (`applied`) or left as it was (`failed`, contract C4/C7), and what it counted.
///
/// ```swift
/// let cycle = await provider.pollNow()
/// if cycle.outcome == .failed { print(cycle.error ?? "") }   // the catalog is unchanged
/// ```
public struct BackstageSyncCycle: Sendable, Hashable, Codable {
    /// Whether the cycle changed the catalog.
    public enum Outcome: String, Sendable, Hashable, Codable {
        /// A full mutation replaced every entity.
        case applied
        /// The cycle was aborted; the catalog kept its entities.
        case failed
    }

    /// 1 for the first cycle, then counting up.
    public var number: Int
    public var startedAt: Date
    public var finishedAt: Date
    public var outcome: Outcome
    /// How many URIs `/list` named (0 when `/list` itself failed).
    public var listedURIs: Int
    /// How many documents were fetched successfully.
    public var fetchedDocuments: Int
    /// Entities in the catalog after the cycle.
    public var entityCount: Int
    /// Entities Backstage's processing would refuse in this cycle.
    public var rejectedCount: Int
    /// TechDocs URLs read after the cycle, and how many answered 200.
    public var techDocsRead: Int
    public var techDocsOK: Int
    /// Why the cycle failed.
    public var error: String?

    public init(
        number: Int, startedAt: Date, finishedAt: Date, outcome: Outcome, listedURIs: Int = 0,
        fetchedDocuments: Int = 0, entityCount: Int = 0, rejectedCount: Int = 0, techDocsRead: Int = 0,
        techDocsOK: Int = 0, error: String? = nil
    ) {
        self.number = number
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.outcome = outcome
        self.listedURIs = listedURIs
        self.fetchedDocuments = fetchedDocuments
        self.entityCount = entityCount
        self.rejectedCount = rejectedCount
        self.techDocsRead = techDocsRead
        self.techDocsOK = techDocsOK
        self.error = error
    }
}

/// An entity the emulated catalog refused, with the reasons.
public struct RejectedEntity: Sendable, Hashable, Codable {
    public var entity: BackstageEntity
    public var problems: [String]

    public init(entity: BackstageEntity, problems: [String]) {
        self.entity = entity
        self.problems = problems
    }
}
