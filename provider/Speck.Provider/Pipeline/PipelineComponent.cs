using Speck.Host.Resources;
using Speck.Host.Values;

namespace Speck.Provider.Pipeline;

/// <summary>
/// <c>speck:index:Pipeline</c>: SpecK's Composition API as a component (issue 14). It takes the document a SpecK user
/// sends, checks the whole graph before anything is registered, and registers one SpeSite per host the addresses
/// name, one Topic per (broker, topic) and one StreamJob per job, each child fed its dependencies' outputs as they
/// come. Children are named from the document's names and addresses, so a changed document touches only what changed
/// (the engine diffs each child as it would any resource).
/// </summary>
public sealed class PipelineComponent(TypeContracts contracts) : IComponentHandler
{
    public const string SiteType = "speck:index:SpeSite", TopicType = "speck:index:Topic", JobType = "speck:index:StreamJob";

    public string Token => "speck:index:Pipeline";

    public string Description =>
        "A whole SpecK pipeline from the YAML document SpecK's Composition API takes (`jobs:` with `job_name`, `spe_address`, brokers, " +
        "topics, `entry_class`, `job_path`): one `SpeSite` per host of its addresses, one `Topic` per broker and topic, one `StreamJob` per job. " +
        "The graph is checked first (unique names, no cycle, no topic read on a broker where only another writes it, no job " +
        "whose engine cannot reach its brokers: a loopback broker for an engine on another host, or `networks` they do not share); topics no job writes " +
        "are listed as external inputs. A changed document changes only the jobs it changes.";

    public Host.Schema.ObjectShape Inputs { get; } = contracts.Shapes.Object(typeof(PipelineArgs), "speck:index:Pipeline");
    public Host.Schema.ObjectShape Outputs { get; } = contracts.Shapes.Object(typeof(PipelineState), "speck:index:Pipeline");

    public IReadOnlyList<CheckFailureInfo> Check(PropertyMap inputs)
    {
        if (inputs.AsValue().ContainsUnknowns)
        {
            if (PipelinePreviewInputs.Fill(inputs) is not { } filled) return [];
            inputs = filled;
        }
        try
        {
            var args = TypedBridge.Decode(inputs, contracts.Strict<PipelineArgs>());
            return PipelinePlan.Make("check", args.Document, args).Failures;
        }
        catch (InvalidValueException e)
        {
            return [new(e.Path, e.Reason)];
        }
    }

    public async Task<ComponentOutputs> ConstructAsync(ComponentContext ctx, PropertyMap inputs)
    {
        // Only a preview has unknown inputs. Values the children only carry stay unknown in them; an unknown document
        // (or anything else the children are made of) leaves nothing to show before the update.
        var unknowns = inputs.AsValue().ContainsUnknowns;
        if (unknowns && PipelinePreviewInputs.Fill(inputs) is { } filled) inputs = filled;
        else if (unknowns)
        {
            await ctx.InfoAsync("the pipeline's document is not known yet: its sites, topics and jobs are shown by the update");
            return new ComponentOutputs(Unknown());
        }
        var args = TypedBridge.Decode(inputs, contracts.Strict<PipelineArgs>());
        Task<ChildResource> Register(ChildRegistration child) =>
            ctx.RegisterAsync(unknowns ? child with { Inputs = PipelinePreviewInputs.Restore(child.Inputs) } : child);
        var plan = PipelinePlan.Make(ctx.Name, args.Document, args).Plan!;
        if (plan.ExternalInputs.Count > 0)
            await ctx.InfoAsync($"external inputs (read by jobs, written by none of them): {string.Join(", ", plan.ExternalInputs)}");

        PropertyValue Out(ChildResource child, string key) =>
            child.Outputs.Get(key) ?? (ctx.Preview ? PropertyValue.Unknown : throw new InvalidOperationException($"{child.Urn} has no output '{key}'"));
        static IReadOnlyDictionary<string, IReadOnlyList<string>> Deps(params (string Key, ChildResource[] From)[] deps) =>
            deps.ToDictionary(d => d.Key, d => (IReadOnlyList<string>)d.From.Select(c => c.Urn).Distinct().ToList());

        var sites = plan.Sites.ToDictionary(s => s.Host, s => Register(new ChildRegistration(SiteType, s.ChildName, s.Inputs)));
        var topics = plan.Topics.ToDictionary(t => t.Key, async t =>
        {
            var site = await sites[t.SiteHost];
            var inputs = new PropertyMap([new("site", Out(site, "connection")), new("name", PropertyValue.Of(t.Topic.Name))]);
            return await Register(new ChildRegistration(TopicType, t.ChildName, inputs)
            {
                Dependencies = [site.Urn], PropertyDependencies = Deps(("site", [site]), ("name", [])),
            });
        });
        var jobs = plan.Jobs.ToDictionary(j => j.Job.Name, async j =>
        {
            var site = await sites[j.SiteHost];
            var (source, sink) = (await topics[j.Source.Key], await topics[j.Sink.Key]);
            var fields = new Dictionary<string, PropertyValue>
            {
                ["site"] = Out(site, "connection"),
                ["jarPath"] = PropertyValue.Of(j.Jar),
                ["entryClass"] = PropertyValue.Of(j.Job.EntryClass),
                ["sources"] = PropertyValue.Of([Out(source, "endpoint")]),
                ["sink"] = Out(sink, "endpoint"),
            };
            if (args.SavepointDirectory is { } dir) fields["savepointDirectory"] = PropertyValue.Of(dir);
            // Said, not defaulted: a job moving to a site still unknown in preview would otherwise show its default
            // upgradeMode as unknown (StreamJobSites.ApplyDefaults). SpecK's Flink jobs keep their state.
            if (j.Flink) fields["upgradeMode"] = PropertyValue.Of("savepoint");
            return await Register(new ChildRegistration(JobType, j.ChildName, new PropertyMap(fields))
            {
                Dependencies = [site.Urn, source.Urn, sink.Urn],
                PropertyDependencies = Deps(("site", [site]), ("sources", [source]), ("sink", [sink]),
                    ("jarPath", []), ("entryClass", []), ("savepointDirectory", []), ("upgradeMode", [])),
            });
        });
        await Task.WhenAll(sites.Values.Cast<Task>().Concat(topics.Values).Concat(jobs.Values));

        var jobOutputs = new Dictionary<string, PropertyValue>();
        foreach (var j in plan.Jobs)
        {
            var job = await jobs[j.Job.Name];
            jobOutputs[j.Job.Name] = PropertyValue.Of(new Dictionary<string, PropertyValue>
            {
                ["site"] = PropertyValue.Of(j.SiteHost), ["jobId"] = Out(job, "jobId"), ["state"] = Out(job, "state"),
            });
        }
        var topicOutputs = new Dictionary<string, PropertyValue>();
        foreach (var t in plan.Topics)
            topicOutputs[t.Key] = PropertyValue.Of(new Dictionary<string, PropertyValue> { ["endpoint"] = Out(await topics[t.Key], "endpoint") });
        var state = new PropertyMap(new Dictionary<string, PropertyValue>
        {
            ["jobs"] = PropertyValue.Of(jobOutputs),
            ["topics"] = PropertyValue.Of(topicOutputs),
            ["sites"] = PropertyValue.Of(plan.Sites.Select(s => PropertyValue.Of(s.Host))),
            ["externalInputs"] = PropertyValue.Of(plan.ExternalInputs.Select(PropertyValue.Of)),
        });
        // Each output depends on the children it tells of, so a resource fed `jobs` waits for the jobs and is
        // replaced with them; externalInputs comes from the document alone.
        static async Task<IReadOnlyList<string>> Urns(IEnumerable<Task<ChildResource>> children) =>
            (await Task.WhenAll(children)).Select(c => c.Urn).ToList();
        return new ComponentOutputs(state)
        {
            Dependencies = new Dictionary<string, IReadOnlyList<string>>
            {
                ["jobs"] = await Urns(jobs.Values), ["topics"] = await Urns(topics.Values),
                ["sites"] = await Urns(sites.Values), ["externalInputs"] = [],
            },
        };
    }

    private static PropertyMap Unknown() => new(new Dictionary<string, PropertyValue>
    {
        ["jobs"] = PropertyValue.Unknown, ["topics"] = PropertyValue.Unknown, ["sites"] = PropertyValue.Unknown, ["externalInputs"] = PropertyValue.Unknown,
    });
}
