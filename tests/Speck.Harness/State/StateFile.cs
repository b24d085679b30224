using System.Text.Json;
using System.Text.Json.Nodes;
using Speck.Harness.Protocol;

namespace Speck.Harness.State;

/// <summary>One resource in the stack's state, as the engine checkpoints it.</summary>
public sealed record ResourceState
{
    public required string Urn { get; init; }
    public required string Type { get; init; }
    public bool Custom { get; init; } = true;
    public string Id { get; init; } = "";
    public JsonObject Inputs { get; init; } = new();
    public JsonObject Outputs { get; init; } = new();
    public IReadOnlyList<string> Dependencies { get; init; } = [];

    /// <summary>Per input property, the URNs its value came from (dependent replacement reads these back).</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> PropertyDependencies { get; init; } = new Dictionary<string, IReadOnlyList<string>>();

    /// <summary>The parent's URN; null for a top-level resource (and for the root stack's children, as the harness records them).</summary>
    public string? Parent { get; init; }
    public bool Protect { get; init; }
    public bool RetainOnDelete { get; init; }
    public string? Provider { get; init; }
    public IReadOnlyList<string> InitErrors { get; init; } = [];

    /// <summary>The options the engine keeps in the state and reads back from there (refresh's Diff, dependent replacements).</summary>
    public IReadOnlyList<string> IgnoreChanges { get; init; } = [];
    public IReadOnlyList<string> ReplaceOnChanges { get; init; } = [];

    /// <summary>
    /// The old URN this resource's state was found by, in this deployment (pkgresource.State.Aliases): never written,
    /// the checkpoint renames it everywhere instead (<see cref="UrnNormalization"/>).
    /// </summary>
    public IReadOnlyList<string> Aliases { get; init; } = [];

    /// <summary>An old resource replaced create-before-delete, waiting for its delete at the end of the update.</summary>
    public bool Delete { get; init; }

    /// <summary>
    /// Read by the program (<c>Resource.get</c>), not managed: the engine never calls Delete on it and drops it from
    /// the state when the program reads it no more (the checkpoint's <c>external</c>, ResourceV3, sdk/go/common/apitype/core.go
    /// (pulumi v3.259.0); docs/pulumi-engine.md §Resource monitor).
    /// </summary>
    public bool External { get; init; }

    public string Name => Urn[(Urn.LastIndexOf("::", StringComparison.Ordinal) + 2)..];
}

/// <summary>
/// An operation the engine started and has not seen end: <see cref="Type"/> is one of <see cref="PendingOperationTypes"/>,
/// <see cref="Resource"/> the state it began with (URN, inputs). The checkpoint's <c>pending_operations</c>
/// (OperationV2, sdk/go/common/apitype/core.go:164, 346-370 (pulumi v3.259.0); docs/pulumi-engine.md §Pending operations).
/// </summary>
public sealed record PendingOperation(ResourceState Resource, string Type);

/// <summary>The operation types the engine records (pkg/resource/operation.go:21-30 (pulumi v3.259.0)).</summary>
public static class PendingOperationTypes
{
    public const string Creating = "creating";
    public const string Updating = "updating";
    public const string Deleting = "deleting";
    public const string Reading = "reading";
    public const string Importing = "importing";
}

/// <summary>
/// The stack's checkpoint: <c>&lt;dir&gt;/.speck-state/&lt;stack&gt;.json</c>. Secret values are written as ciphertext
/// (like the CLI's secrets provider), never as plain text; in memory they are secret wrappers with their value.
/// </summary>
public sealed class StateFile
{
    public List<ResourceState> Resources { get; } = [];
    public List<PendingOperation> PendingOperations { get; } = [];
    public JsonObject Outputs { get; set; } = new();

    private readonly string _path;
    private readonly SecretsCipher _cipher;
    private readonly Lock _lock = new();

    private StateFile(string path, SecretsCipher cipher) => (_path, _cipher) = (path, cipher);

    public static string PathFor(string programDir, string stack) => Path.Combine(programDir, ".speck-state", $"{stack}.json");

    public static StateFile Load(string programDir, string stack)
    {
        var path = PathFor(programDir, stack);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var state = new StateFile(path, SecretsCipher.ForStack(Path.ChangeExtension(path, ".key")));
        if (!File.Exists(path)) return state;
        var root = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        foreach (var r in root["resources"]?.AsArray() ?? []) state.Resources.Add(state.ReadResource(r!.AsObject()));
        // "pendingOperations" is what the harness wrote before it used the engine's key.
        foreach (var p in (root["pending_operations"] ?? root["pendingOperations"])?.AsArray() ?? [])
            state.PendingOperations.Add(new PendingOperation(state.ReadResource(p!["resource"]!.AsObject()), p["type"]!.GetValue<string>()));
        state.Outputs = state._cipher.Decrypt(root["outputs"])?.AsObject() ?? new JsonObject();
        return state;
    }

    public ResourceState? Find(string urn)
    {
        lock (_lock) return Resources.FirstOrDefault(r => r.Urn == urn);
    }

    public IReadOnlyList<ResourceState> Snapshot()
    {
        lock (_lock) return Resources.ToList();
    }

    /// <summary>Removes exactly this entry (a replaced old one shares its URN with the new one).</summary>
    public void Remove(ResourceState resource)
    {
        lock (_lock)
        {
            Resources.Remove(resource);
            Checkpoint();
        }
    }

    public void Add(ResourceState resource)
    {
        lock (_lock)
        {
            Resources.Add(resource);
            Checkpoint();
        }
    }

    public void Swap(ResourceState old, ResourceState @new)
    {
        lock (_lock)
        {
            var i = Resources.IndexOf(old);
            if (i >= 0) Resources[i] = @new; else Resources.Add(@new);
            Checkpoint();
        }
    }

    /// <summary>
    /// A same step's swap: the checkpoint is written only when something that matters changed
    /// (sameSnapshotMutation.mustWrite, pkg/backend/snapshot.go:258-392 (pulumi v3.259.0); docs/pulumi-engine.md §Same steps);
    /// an elided write reaches the disk with the next one.
    /// </summary>
    public void SwapSame(ResourceState old, ResourceState @new)
    {
        lock (_lock)
        {
            var i = Resources.IndexOf(old);
            if (i >= 0) Resources[i] = @new; else Resources.Add(@new);
            if (MustWrite(old, @new)) Checkpoint();
        }
    }

    /// <summary>mustWrite: URN, type, provider, parent, protect, retainOnDelete, inputs, outputs or (sorted) dependencies changed; init errors do not count.</summary>
    public static bool MustWrite(ResourceState old, ResourceState @new) =>
        old.Urn != @new.Urn || old.Type != @new.Type || old.Custom != @new.Custom || old.Provider != @new.Provider || old.Parent != @new.Parent || old.Protect != @new.Protect ||
        old.RetainOnDelete != @new.RetainOnDelete ||
        !JsonNode.DeepEquals(old.Inputs, @new.Inputs) || !JsonNode.DeepEquals(old.Outputs, @new.Outputs) ||
        !old.Dependencies.Order(StringComparer.Ordinal).SequenceEqual(@new.Dependencies.Order(StringComparer.Ordinal));

    public PendingOperation BeginOperation(ResourceState resource, string type)
    {
        var op = new PendingOperation(resource, type);
        lock (_lock)
        {
            PendingOperations.Add(op);
            Checkpoint();
        }
        return op;
    }

    public void EndOperation(PendingOperation op)
    {
        lock (_lock)
        {
            PendingOperations.Remove(op);
            Checkpoint();
        }
    }

    /// <summary>
    /// What a new deployment's snapshot keeps of the pending operations it started with: only the creates
    /// (journal.go:395-404, snapshot.go:763-772 (pulumi v3.259.0)); the others are gone from the next write on.
    /// </summary>
    public void DropPendingOperationsButCreates()
    {
        lock (_lock) PendingOperations.RemoveAll(p => p.Type != PendingOperationTypes.Creating);
    }

    /// <summary><c>pulumi refresh --clear-pending-creates</c>: a state edit before the refresh, written at once (refresh.go:318-327).</summary>
    public void ClearPendingCreates()
    {
        lock (_lock)
        {
            PendingOperations.RemoveAll(p => p.Type == PendingOperationTypes.Creating);
            Save();
        }
    }

    /// <summary>Written only when the operation ends (<see cref="Save"/>), like the CLI's <c>PULUMI_SKIP_CHECKPOINTS</c>.</summary>
    public bool SkipCheckpoints { get; set; }

    /// <summary>The engine's checkpoint around a step: the whole state, unless checkpoints are skipped.</summary>
    private void Checkpoint()
    {
        if (!SkipCheckpoints) Save();
    }

    /// <summary>How many times this operation wrote the state file.</summary>
    public int Writes { get; private set; }

    public void Save()
    {
        lock (_lock)
        {
            Writes++;
            var started = System.Diagnostics.Stopwatch.GetTimestamp();
            var root = new JsonObject
            {
                ["version"] = 3,
                ["secrets_providers"] = new JsonObject { ["type"] = "speck-harness-local" },
                ["resources"] = new JsonArray(UrnNormalization.Apply(Resources).Select(WriteResource).ToArray()),
                ["pending_operations"] = new JsonArray(PendingOperations.Select(p => (JsonNode)new JsonObject
                {
                    ["resource"] = WriteResource(p.Resource),
                    ["type"] = p.Type,
                }).ToArray()),
                ["outputs"] = _cipher.Encrypt(Outputs),
            };
            var tmp = _path + ".tmp";
            File.WriteAllText(tmp, root.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
            File.Move(tmp, _path, overwrite: true);
            StateWrites.Record(System.Diagnostics.Stopwatch.GetElapsedTime(started));
        }
    }

    private JsonNode WriteResource(ResourceState r)
    {
        var o = new JsonObject
        {
            ["urn"] = r.Urn,
            ["custom"] = r.Custom,
            ["id"] = r.Id,
            ["type"] = r.Type,
            ["inputs"] = _cipher.Encrypt(r.Inputs),
            ["outputs"] = _cipher.Encrypt(r.Outputs),
            ["dependencies"] = new JsonArray(r.Dependencies.Select(d => (JsonNode)JsonValue.Create(d)!).ToArray()),
        };
        if (r.PropertyDependencies.Count > 0)
            o["propertyDependencies"] = new JsonObject(r.PropertyDependencies.Select(kv =>
                KeyValuePair.Create(kv.Key, (JsonNode?)new JsonArray(kv.Value.Select(d => (JsonNode)JsonValue.Create(d)!).ToArray()))));
        if (r.Parent is not null) o["parent"] = r.Parent;
        if (r.Protect) o["protect"] = true;
        if (r.RetainOnDelete) o["retainOnDelete"] = true;
        if (r.Delete) o["delete"] = true;
        if (r.External) o["external"] = true;
        if (r.Provider is not null) o["provider"] = r.Provider;
        if (r.IgnoreChanges.Count > 0) o["ignoreChanges"] = new JsonArray(r.IgnoreChanges.Select(e => (JsonNode)JsonValue.Create(e)!).ToArray());
        if (r.ReplaceOnChanges.Count > 0) o["replaceOnChanges"] = new JsonArray(r.ReplaceOnChanges.Select(e => (JsonNode)JsonValue.Create(e)!).ToArray());
        if (r.InitErrors.Count > 0) o["initErrors"] = new JsonArray(r.InitErrors.Select(e => (JsonNode)JsonValue.Create(e)!).ToArray());
        return o;
    }

    private ResourceState ReadResource(JsonObject o) => new()
    {
        Urn = o["urn"]!.GetValue<string>(),
        Type = o["type"]!.GetValue<string>(),
        Custom = o["custom"]?.GetValue<bool>() ?? true,
        Id = o["id"]?.GetValue<string>() ?? "",
        Inputs = _cipher.Decrypt(o["inputs"])?.AsObject() ?? new JsonObject(),
        Outputs = _cipher.Decrypt(o["outputs"])?.AsObject() ?? new JsonObject(),
        Dependencies = o["dependencies"]?.AsArray().Select(d => d!.GetValue<string>()).ToList() ?? [],
        PropertyDependencies = o["propertyDependencies"]?.AsObject().ToDictionary(kv => kv.Key,
            kv => (IReadOnlyList<string>)kv.Value!.AsArray().Select(d => d!.GetValue<string>()).ToList()) ?? new Dictionary<string, IReadOnlyList<string>>(),
        Parent = o["parent"]?.GetValue<string>(),
        Protect = o["protect"]?.GetValue<bool>() ?? false,
        RetainOnDelete = o["retainOnDelete"]?.GetValue<bool>() ?? false,
        Delete = o["delete"]?.GetValue<bool>() ?? false,
        External = o["external"]?.GetValue<bool>() ?? false,
        Provider = o["provider"]?.GetValue<string>(),
        InitErrors = o["initErrors"]?.AsArray().Select(d => d!.GetValue<string>()).ToList() ?? [],
        IgnoreChanges = o["ignoreChanges"]?.AsArray().Select(d => d!.GetValue<string>()).ToList() ?? [],
        ReplaceOnChanges = o["replaceOnChanges"]?.AsArray().Select(d => d!.GetValue<string>()).ToList() ?? [],
    };
}

/// <summary>
/// How often, and for how long, this process wrote state files: like Pulumi's engine, the harness writes the whole
/// state before and after every step, so a wide deploy's engine time includes these writes (the bench reports them).
/// </summary>
public static class StateWrites
{
    private static long _count, _ticks;

    public static (long Count, TimeSpan Elapsed) Total => (Interlocked.Read(ref _count), TimeSpan.FromTicks(Interlocked.Read(ref _ticks)));

    internal static void Record(TimeSpan elapsed)
    {
        Interlocked.Increment(ref _count);
        Interlocked.Add(ref _ticks, elapsed.Ticks);
    }
}
