import ConsoleCore
import Foundation

/// The console's filter keystroke → frame time: pure `update` for one key plus `view` of the
/// whole frame, with 10,000 model rows, as the terminal loop does per key.
struct ConsoleBench {
    let rows: Int
    let size = Size(width: 160, height: 48)

    /// Milliseconds per keystroke, and of its `update` part alone.
    struct Samples {
        var total: [Double] = []
        var update: [Double] = []
    }

    /// Per-keystroke milliseconds over `repetitions` typings of the filter.
    func run(repetitions: Int) -> Samples {
        let snapshot = EngineSnapshot(takenAt: Timestamp(secondsSince1970: 1_750_000_000), models: models())
        var state = ConsoleState(size: size)
        _ = update(&state, .snapshot(snapshot))
        _ = view(state, size)
        let clock = ContinuousClock()
        var samples = Samples()
        for _ in 0..<repetitions {
            _ = update(&state, .key(.char("/")))
            for character in "scale-model-0042" {
                let started = clock.now
                _ = update(&state, .key(.char(character)))
                let updated = clock.now
                let frame = view(state, size)
                samples.total.append((clock.now - started).seconds * 1000)
                samples.update.append((updated - started).seconds * 1000)
                precondition(!frame.text.isEmpty)
            }
            _ = update(&state, .key(.escape))
            _ = update(&state, .key(.escape))
        }
        return samples
    }

    /// Milliseconds from the engine's first snapshot to the first frame (`update` with the
    /// snapshot, then `view`), each trial with a new console and a new snapshot.
    func firstFrame(trials: Int) -> [Double] {
        let clock = ContinuousClock()
        var samples: [Double] = []
        for trial in 0..<trials {
            let snapshot = EngineSnapshot(
                takenAt: Timestamp(secondsSince1970: 1_750_000_000 + Double(trial)), models: models())
            var state = ConsoleState(size: size)
            let started = clock.now
            _ = update(&state, .snapshot(snapshot))
            let frame = view(state, size)
            samples.append((clock.now - started).seconds * 1000)
            precondition(!frame.text.isEmpty)
        }
        return samples
    }

    private func models() -> [ModelRow] {
        (0..<rows).map { index in
            let name = "scale-model-" + String(format: "%05d", index / 2 + 1)
            let version = index % 2 == 0 ? "v1" : "v2"
            let registry = index % 4 < 2 ? "public" : "private"
            let key = "rhoai-model-registries:\(registry)-https_\(name)-\(version)"
            return ModelRow(
                key: key, uri: "/rhoai-model-registries-\(registry)-https/\(name)-\(version)/catalog-info.json",
                registry: registry, model: name, version: version, state: "LIVE", owner: "scale-owner-\(index % 50)",
                lifecycle: "production", format: "onnx", endpoints: index % 10 == 0 ? ["https://\(name).example"] : [],
                labels: ["team": index % 3 == 0 ? "nlp" : "vision", "env": "prod"])
        }
    }
}
