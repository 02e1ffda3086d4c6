import Foundation
import Hummingbird

/// The sandbox's own endpoints, on the Backstage port:
///
/// | route | answer |
/// |---|---|
/// | `GET /sandbox/status` | where everything is, what the scenario holds, Backstage's last cycle, the faults in force |
/// | `POST /sandbox/faults` | applies a ``SandboxFaultPlan`` (JSON body), replacing the previous one; 400 when invalid |
/// | `GET /sandbox/faults` | `{"plan": …}` (null when none) |
/// | `DELETE /sandbox/faults` | clears every fault |
/// | `POST /sandbox/backstage/poll` | runs one Backstage cycle now and returns it |
/// | `GET /sandbox/backstage/cycles` | the recent cycles |
/// | `GET /sandbox/backstage/techdocs` | the last TechDocs read per entity |
/// | `GET /sandbox/backstage/rejected` | entities Backstage refused in the last applied cycle |
///
/// ```swift
/// SandboxAdminRoutes(platform: platform).register(on: router)
/// ```
struct SandboxAdminRoutes: Sendable {
    let platform: SandboxPlatform

    /// What `GET /sandbox/status` answers.
    struct Status: Encodable {
        var urls: SandboxDescription
        var entities: Int
        var rejectedEntities: Int
        var lastCycle: BackstageSyncCycle?
        var faults: SandboxFaultPlan?
        var kubernetesResourceVersion: Int
    }

    struct FaultState: Encodable {
        var plan: SandboxFaultPlan?
    }

    func register(on router: Router<BasicRequestContext>) {
        let platform = self.platform
        router.get("/sandbox/status") { _, _ in
            let backstage = platform.backstage
            return SandboxResponses.json(
                Status(
                    urls: platform.description, entities: await backstage.entities.count,
                    rejectedEntities: await backstage.rejected.count, lastCycle: await backstage.lastCycle,
                    faults: platform.faults.activePlan,
                    kubernetesResourceVersion: platform.kubernetes.store.currentResourceVersion))
        }
        router.post("/sandbox/faults") { request, _ in
            let plan: SandboxFaultPlan
            do {
                plan = try await SandboxResponses.decode(SandboxFaultPlan.self, from: request)
            } catch {
                return SandboxResponses.json(
                    ["error": "the body must be a JSON fault plan: \(error)"] as [String: String], status: .badRequest)
            }
            do {
                try platform.faults.apply(plan)
            } catch {
                return SandboxResponses.json(["error": "\(error)"] as [String: String], status: .badRequest)
            }
            return SandboxResponses.json(FaultState(plan: plan))
        }
        router.get("/sandbox/faults") { _, _ in
            SandboxResponses.json(FaultState(plan: platform.faults.activePlan))
        }
        router.delete("/sandbox/faults") { _, _ in
            platform.faults.clear()
            return SandboxResponses.json(FaultState(plan: nil))
        }
        router.post("/sandbox/backstage/poll") { _, _ in
            SandboxResponses.json(await platform.backstage.pollNow())
        }
        router.get("/sandbox/backstage/cycles") { _, _ in
            SandboxResponses.json(await platform.backstage.history)
        }
        router.get("/sandbox/backstage/techdocs") { _, _ in
            SandboxResponses.json(await platform.backstage.techDocs)
        }
        router.get("/sandbox/backstage/rejected") { _, _ in
            SandboxResponses.json(await platform.backstage.rejected)
        }
    }
}
